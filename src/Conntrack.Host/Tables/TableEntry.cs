using Conntrack.Protocols;

namespace Conntrack.Host.Tables;

/// <summary>
/// What the doctor needs of one table line: family, protocol, remaining seconds, state, the
/// original direction's addresses and ports, flags and zone. Reply tuples, counters and marks are
/// checked for shape but not kept.
/// </summary>
public struct TableEntry
{
    /// <summary>2 (IPv4), 10 (IPv6).</summary>
    public byte Family;
    public byte Protocol;

    /// <summary>Remaining lifetime in seconds, or -1 when the line has none (offloaded entries).</summary>
    public long Timeout;

    /// <summary>The state name; <see cref="StateId.Absent"/> when the protocol prints none.</summary>
    public StateId State;
    public AddressKey Source;
    public AddressKey Destination;

    /// <summary>Original-direction ports, -1 for protocols without ports.</summary>
    public int SourcePort;
    public int DestinationPort;
    public bool Assured;
    public bool Unreplied;
    public bool Offloaded;
    public int Zone;

    /// <summary>The line starts with the L3 prefix (<c>ipv4     2</c>): /proc/net/nf_conntrack or <c>conntrack -L -o extended</c>.</summary>
    public bool HasL3Prefix;

    /// <summary>The line carries <c>zone=</c>, which /proc prints and <c>conntrack -L</c> omits for zone 0.</summary>
    public bool HasZoneField;

    /// <summary>The line carries <c>mark=</c> (absent in 2.4/early 2.6 /proc/net/ip_conntrack).</summary>
    public bool HasMark;
}
