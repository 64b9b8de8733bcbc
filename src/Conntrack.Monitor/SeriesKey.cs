using Conntrack.Flows;
using Conntrack.Host.Netlink;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Monitor;

/// <summary>The labels of one <c>ctnet_entries</c> series: what an entry is counted under.</summary>
internal readonly record struct SeriesKey(IpFamily Family, byte Protocol, StateId State, bool Assured, bool Unreplied)
{
    public static SeriesKey Of(in KernelEntry entry) => new(
        entry.Family,
        entry.Original.Protocol,
        entry.State,
        // The kernel counts offloaded entries as assured (they were, to be offloaded).
        (entry.Status & (EntryStatus.Assured | EntryStatus.Offload | EntryStatus.HwOffload)) != 0,
        (entry.Status & EntryStatus.SeenReply) == 0);

    public string L3 => Family == IpFamily.V6 ? "ipv6" : "ipv4";

    public string L4 => IpProtocol.Name(Protocol);

    /// <summary>The state as conntrack(8) prints it; "none" for protocols without states (UDP, ICMP, GRE).</summary>
    public string StateName => State == StateId.Absent ? "none" : StateNames.Name(State).ToLowerInvariant();
}
