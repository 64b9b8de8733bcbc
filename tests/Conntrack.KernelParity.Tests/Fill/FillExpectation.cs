using System.Net;
using Conntrack.Protocols;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>What the kernel must list for every entry of one filled group (the test's side of <see cref="FillKind"/>'s documentation).</summary>
internal sealed record FillExpectation(
    string Protocol,
    string? State,
    bool Assured,
    bool Unreplied,
    int Zone,
    uint Mark,
    IPAddress ReplySource,
    bool Masqueraded,
    long Packets,
    bool Accounted,
    bool Started)
{
    public static FillExpectation Of(FillGroup group, int slot, FillSpec spec)
    {
        var (protocol, state, assured, unreplied) = group.Kind switch
        {
            FillKind.TcpSynSent => ("tcp", StateNames.Tcp(TcpConnState.SynSent), false, true),
            FillKind.TcpSynRecv => ("tcp", StateNames.Tcp(TcpConnState.SynRecv), false, false),
            FillKind.TcpEstablished => ("tcp", StateNames.Tcp(TcpConnState.Established), true, false),
            FillKind.TcpFinWait => ("tcp", StateNames.Tcp(TcpConnState.FinWait), true, false),
            FillKind.TcpCloseWait => ("tcp", StateNames.Tcp(TcpConnState.CloseWait), true, false),
            FillKind.TcpLastAck => ("tcp", StateNames.Tcp(TcpConnState.LastAck), true, false),
            FillKind.TcpTimeWait => ("tcp", StateNames.Tcp(TcpConnState.TimeWait), true, false),
            FillKind.TcpClose => ("tcp", StateNames.Tcp(TcpConnState.Close), true, false),
            FillKind.UdpUnreplied => ("udp", null, false, true),
            FillKind.UdpAssured => ("udp", null, true, false),
            FillKind.IcmpEcho => (group.Ipv6 ? "icmpv6" : "icmp", null, false, true),
            FillKind.Gre => ("gre", null, true, false),
            _ => ("sctp", StateNames.Sctp(SctpConnState.Established), true, false),
        };
        var t = group.Treatment;
        var replySource = t.HasFlag(FillTreatment.Dnat) ? FillAddresses.DnatTarget(slot, group.Ipv6) : FillAddresses.Server(slot, group.Ipv6);
        return new FillExpectation(protocol, state, assured, unreplied,
            t.HasFlag(FillTreatment.Zone) ? spec.Zone : 0, t.HasFlag(FillTreatment.Mark) ? spec.Mark : 0,
            replySource.Address, t.HasFlag(FillTreatment.Masquerade), FillPackets.Of(group, slot, 0).Count(), spec.Accounting, spec.Timestamps);
    }

    /// <summary>The group's slot from an entry's original destination (10.200.&lt;slot&gt;.1, fd00:200::&lt;slot&gt;:1).</summary>
    public static int SlotOf(IPAddress originalDestination)
    {
        byte[] b = originalDestination.GetAddressBytes();
        return b.Length == 4 ? b[2] : (b[12] << 8) | b[13];
    }

    /// <summary>What differs in <paramref name="e"/>, or null.</summary>
    public string? Mismatch(ListedEntry e)
    {
        var replyDestination = Masqueraded ? FillAddresses.Router(e.OriginalSource.GetAddressBytes().Length == 16).Address : e.OriginalSource;
        return e.Protocol != Protocol ? $"protocol {e.Protocol}, expected {Protocol}"
            : e.State != State ? $"state {e.State}, expected {State}"
            : e.Assured != Assured ? $"assured {e.Assured}, expected {Assured}"
            : e.Unreplied != Unreplied ? $"unreplied {e.Unreplied}, expected {Unreplied}"
            : e.Zone != Zone ? $"zone {e.Zone}, expected {Zone}"
            : e.Mark != Mark ? $"mark {e.Mark}, expected {Mark}"
            : !e.ReplySource.Equals(ReplySource) ? $"reply source {e.ReplySource}, expected {ReplySource}"
            : !e.ReplyDestination.Equals(replyDestination) ? $"reply destination {e.ReplyDestination}, expected {replyDestination}"
            : Accounted && e.Packets != Packets ? $"{e.Packets} packets counted, expected {Packets}"
            : e.Started != Started ? $"start timestamp {(e.Started ? "shown" : "missing")}"
            : null;
    }
}
