namespace Conntrack.Table;

/// <summary>What happened to one packet: whether it passes, and the ct state a firewall rule would see.</summary>
public readonly record struct PacketVerdict(bool Dropped, CtInfo State, int EntryIndex)
{
    public static PacketVerdict Invalid => new(false, CtInfo.Invalid, -1);
    public static PacketVerdict Untracked => new(false, CtInfo.Untracked, -1);
}
