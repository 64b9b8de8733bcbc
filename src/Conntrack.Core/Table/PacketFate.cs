namespace Conntrack.Table;

/// <summary>What became of a packet offered to the table.</summary>
public enum PacketFate : byte
{
    /// <summary>Passed on, with the ct state in <see cref="PacketVerdict.State"/> (which may be Invalid or Untracked).</summary>
    Accepted,

    /// <summary>Dropped by conntrack: table full without a successful early drop, or a failed confirmation.</summary>
    Dropped,

    /// <summary>A fragment held for reassembly; the datagram is tracked when complete.</summary>
    Held,

    /// <summary>Never tracked, or tracked but not confirmed: broken IP header, failed reassembly, or a martian the router drops.</summary>
    Discarded,
}
