using Conntrack.Flows;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>
/// One tracked connection, stored by value in the table's entry array. The reply tuple is not
/// stored: without NAT it is always the inversion of the original (recomputed when needed).
/// </summary>
internal struct Entry
{
    public FlowTuple Original;

    /// <summary>Absolute expiry in capture nanoseconds; expired when now ≥ this (kernel nf_ct_is_expired).</summary>
    public long ExpiresAt;

    /// <summary>Time of the first packet; also the base of UDP's 2-second stream rule.</summary>
    public long CreatedAt;

    public EntryStatus Status;
    public uint Id;
    public ProtocolState Proto;
}
