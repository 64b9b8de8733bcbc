using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Replay;

/// <summary>
/// Groups entries by the timeout that governs them, so a report can say which setting keeps the
/// table full: TCP by state, UDP unreplied/young vs stream, and one class per other protocol.
/// </summary>
public static class EntryClass
{
    private const int TcpStates = 10;
    public const int UdpShort = TcpStates;
    public const int UdpStream = TcpStates + 1;
    public const int Icmp = TcpStates + 2;
    public const int Icmpv6 = TcpStates + 3;
    public const int Gre = TcpStates + 4;
    public const int Sctp = TcpStates + 5;
    public const int Generic = TcpStates + 6;
    public const int Count = TcpStates + 7;

    public static int Of(in EntryView e) => e.Protocol switch
    {
        IpProtocol.Tcp => Math.Min((int)e.TcpState, TcpStates - 1),
        IpProtocol.Udp or IpProtocol.UdpLite => e.IsAssured ? UdpStream : UdpShort,
        IpProtocol.Icmp => Icmp,
        IpProtocol.IcmpV6 => Icmpv6,
        IpProtocol.Gre => Gre,
        IpProtocol.Sctp => Sctp,
        _ => Generic,
    };

    public static string Label(int entryClass) => entryClass switch
    {
        < TcpStates => "tcp " + StateNames.Tcp((TcpConnState)entryClass),
        UdpShort => "udp (unreplied or young)",
        UdpStream => "udp stream (ASSURED)",
        Icmp => "icmp",
        Icmpv6 => "icmpv6",
        Gre => "gre",
        Sctp => "sctp",
        _ => "other protocols",
    };

    /// <summary>
    /// Whether an entry of this class may stay for as long as its flow lasts: an established
    /// connection ends only when its peers close it (or after five days of silence), so a capture
    /// cannot show how long it will be held.
    /// </summary>
    public static bool IsOpenEnded(int entryClass) => Timeout(entryClass) == TimeoutClass.TcpEstablished;

    /// <summary>The timeout that is this class's lifetime (null where several apply: SCTP's states).</summary>
    public static TimeoutClass? Timeout(int entryClass) => entryClass switch
    {
        < TcpStates => TimeoutRules.ForTcp((TcpConnState)entryClass),
        UdpShort => TimeoutClass.Udp,
        UdpStream => TimeoutClass.UdpStream,
        Icmp => TimeoutClass.Icmp,
        Icmpv6 => TimeoutClass.Icmpv6,
        // Entries that live long enough to matter have seen their reply.
        Gre => TimeoutClass.GreStream,
        Generic => TimeoutClass.Generic,
        _ => null,
    };
}
