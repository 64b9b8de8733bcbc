namespace Conntrack.Table;

/// <summary>ctnetlink event classes as <c>conntrack -E</c> shows them.</summary>
public enum ConntrackEventType : byte
{
    New,
    Update,
    Destroy,
}
