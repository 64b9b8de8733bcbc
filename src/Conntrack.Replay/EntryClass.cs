using Conntrack.Flows;
using Conntrack.Host.Tables;
using Conntrack.Protocols;
using Conntrack.Table;

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

    /// <summary>The sysctl whose value is this class's lifetime (null where several apply); the doctor's mapping, by state name.</summary>
    public static string? TimeoutSetting(int entryClass) => entryClass switch
    {
        < TcpStates => TimeoutClasses.SettingFor(IpProtocol.Tcp, TableStates.Parse(StateNames.Tcp((TcpConnState)entryClass)), assured: false, unreplied: false),
        UdpShort => TimeoutClasses.SettingFor(IpProtocol.Udp, 0, assured: false, unreplied: true),
        UdpStream => TimeoutClasses.SettingFor(IpProtocol.Udp, 0, assured: true, unreplied: false),
        Icmp => TimeoutClasses.SettingFor(IpProtocol.Icmp, 0, false, false),
        Icmpv6 => TimeoutClasses.SettingFor(IpProtocol.IcmpV6, 0, false, false),
        Gre => TimeoutClasses.SettingFor(IpProtocol.Gre, 0, assured: true, unreplied: false),
        Generic => TimeoutClasses.SettingFor(0, 0, false, false),
        _ => null,
    };
}
