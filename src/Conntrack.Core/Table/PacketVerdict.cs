namespace Conntrack.Table;

/// <summary>What happened to one packet: its fate, and the ct state a firewall rule would see.</summary>
public readonly record struct PacketVerdict(PacketFate Fate, CtInfo State, int EntryIndex)
{
    public static PacketVerdict Invalid => new(PacketFate.Accepted, CtInfo.Invalid, -1);
    public static PacketVerdict Untracked => new(PacketFate.Accepted, CtInfo.Untracked, -1);
    public static PacketVerdict Held => new(PacketFate.Held, CtInfo.Invalid, -1);
    public static PacketVerdict Discarded => new(PacketFate.Discarded, CtInfo.Invalid, -1);

    public bool Dropped => Fate == PacketFate.Dropped;
}
