namespace Conntrack.Table;

/// <summary>
/// What the tracker concluded about a packet (<c>enum ip_conntrack_info</c>, plus Invalid for "no conntrack attached").
/// nftables' <c>ct state</c> maps New → new, Established/EstablishedReply → established, Related* → related.
/// </summary>
public enum CtInfo : byte
{
    Established = 0,
    Related = 1,
    New = 2,
    EstablishedReply = 3,
    RelatedReply = 4,
    Untracked = 7,
    Invalid = 255,
}
