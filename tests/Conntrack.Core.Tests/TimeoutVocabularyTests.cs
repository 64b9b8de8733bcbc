using Conntrack.Flows;
using Conntrack.Protocols;
using Conntrack.Settings;
using Conntrack.Timeouts;

namespace Conntrack.Core.Tests;

/// <summary>The one timeout and state-name vocabulary: its rows, its defaults and the kernel's mapping rules.</summary>
public sealed class TimeoutVocabularyTests
{
    [Fact]
    public void Every_class_has_one_row_with_a_distinct_sysctl_that_the_settings_model()
    {
        var classes = Enum.GetValues<TimeoutClass>();
        Assert.Equal(TimeoutClasses.Count, classes.Length);
        Assert.Equal(classes.Length, TimeoutClasses.All.Select(t => t.SysctlName).Distinct().Count());
        var settings = new ConntrackSettings();
        foreach (var timeout in classes)
        {
            var row = TimeoutClasses.All[(int)timeout];
            Assert.Equal(timeout, row.Class);
            var descriptor = Assert.Single(ConntrackSettings.All, d => d.Name == row.SysctlName);
            Assert.Equal(row.DefaultSeconds, descriptor.Default);
            Assert.Equal(row.Description, descriptor.Description);
            Assert.Equal(row.DefaultSeconds, settings.Get(timeout));
        }
    }

    // Reference §8.7 (kernel-conntrack.md), the 6.x defaults.
    [Theory]
    [InlineData(TimeoutClass.TcpSynSent, "nf_conntrack_tcp_timeout_syn_sent", 120)]
    [InlineData(TimeoutClass.TcpSynRecv, "nf_conntrack_tcp_timeout_syn_recv", 60)]
    [InlineData(TimeoutClass.TcpEstablished, "nf_conntrack_tcp_timeout_established", 432000)]
    [InlineData(TimeoutClass.TcpFinWait, "nf_conntrack_tcp_timeout_fin_wait", 120)]
    [InlineData(TimeoutClass.TcpCloseWait, "nf_conntrack_tcp_timeout_close_wait", 60)]
    [InlineData(TimeoutClass.TcpLastAck, "nf_conntrack_tcp_timeout_last_ack", 30)]
    [InlineData(TimeoutClass.TcpTimeWait, "nf_conntrack_tcp_timeout_time_wait", 120)]
    [InlineData(TimeoutClass.TcpClose, "nf_conntrack_tcp_timeout_close", 10)]
    [InlineData(TimeoutClass.TcpMaxRetrans, "nf_conntrack_tcp_timeout_max_retrans", 300)]
    [InlineData(TimeoutClass.TcpUnacknowledged, "nf_conntrack_tcp_timeout_unacknowledged", 300)]
    [InlineData(TimeoutClass.Udp, "nf_conntrack_udp_timeout", 30)]
    [InlineData(TimeoutClass.UdpStream, "nf_conntrack_udp_timeout_stream", 120)]
    [InlineData(TimeoutClass.Icmp, "nf_conntrack_icmp_timeout", 30)]
    [InlineData(TimeoutClass.Icmpv6, "nf_conntrack_icmpv6_timeout", 30)]
    [InlineData(TimeoutClass.Generic, "nf_conntrack_generic_timeout", 600)]
    [InlineData(TimeoutClass.Gre, "nf_conntrack_gre_timeout", 30)]
    [InlineData(TimeoutClass.GreStream, "nf_conntrack_gre_timeout_stream", 180)]
    [InlineData(TimeoutClass.SctpClosed, "nf_conntrack_sctp_timeout_closed", 10)]
    [InlineData(TimeoutClass.SctpCookieWait, "nf_conntrack_sctp_timeout_cookie_wait", 3)]
    [InlineData(TimeoutClass.SctpCookieEchoed, "nf_conntrack_sctp_timeout_cookie_echoed", 3)]
    [InlineData(TimeoutClass.SctpEstablished, "nf_conntrack_sctp_timeout_established", 210)]
    [InlineData(TimeoutClass.SctpShutdownSent, "nf_conntrack_sctp_timeout_shutdown_sent", 3)]
    [InlineData(TimeoutClass.SctpShutdownRecd, "nf_conntrack_sctp_timeout_shutdown_recd", 3)]
    [InlineData(TimeoutClass.SctpShutdownAckSent, "nf_conntrack_sctp_timeout_shutdown_ack_sent", 3)]
    [InlineData(TimeoutClass.SctpHeartbeatSent, "nf_conntrack_sctp_timeout_heartbeat_sent", 30)]
    public void Class_has_the_kernels_sysctl_and_default(TimeoutClass timeout, string sysctl, long seconds)
    {
        Assert.Equal(sysctl, timeout.SysctlName());
        Assert.Equal(seconds, timeout.Definition().DefaultSeconds);
    }

    [Fact]
    public void Tracker_config_reads_each_class_from_its_own_sysctl()
    {
        var settings = new ConntrackSettings();
        foreach (var row in TimeoutClasses.All)
            settings.Set(row.SysctlName, 1000 + (int)row.Class);
        var config = new TrackerConfig(settings);
        foreach (var row in TimeoutClasses.All)
            Assert.Equal((1000 + (int)row.Class) * 1_000_000_000L, config.Timeout(row.Class));
    }

    [Theory]
    [InlineData(TcpConnState.None, TimeoutClass.TcpSynSent)]
    [InlineData(TcpConnState.SynSent, TimeoutClass.TcpSynSent)]
    [InlineData(TcpConnState.SynRecv, TimeoutClass.TcpSynRecv)]
    [InlineData(TcpConnState.Established, TimeoutClass.TcpEstablished)]
    [InlineData(TcpConnState.FinWait, TimeoutClass.TcpFinWait)]
    [InlineData(TcpConnState.CloseWait, TimeoutClass.TcpCloseWait)]
    [InlineData(TcpConnState.LastAck, TimeoutClass.TcpLastAck)]
    [InlineData(TcpConnState.TimeWait, TimeoutClass.TcpTimeWait)]
    [InlineData(TcpConnState.Close, TimeoutClass.TcpClose)]
    [InlineData(TcpConnState.SynSent2, TimeoutClass.TcpSynSent)]
    public void Tcp_state_picks_its_class_and_a_line_with_its_name_the_same(TcpConnState state, TimeoutClass expected)
    {
        Assert.Equal(expected, TimeoutRules.ForTcp(state));
        var name = StateNames.Parse(StateNames.Tcp(state));
        Assert.Equal(expected, TimeoutRules.For(IpProtocol.Tcp, name, assured: true, unreplied: false));
        Assert.Equal(expected, TimeoutRules.For(IpProtocol.Tcp, name, assured: false, unreplied: true));
    }

    [Theory]
    [InlineData(SctpConnState.None, TimeoutClass.SctpClosed)]
    [InlineData(SctpConnState.Closed, TimeoutClass.SctpClosed)]
    [InlineData(SctpConnState.CookieWait, TimeoutClass.SctpCookieWait)]
    [InlineData(SctpConnState.CookieEchoed, TimeoutClass.SctpCookieEchoed)]
    [InlineData(SctpConnState.Established, TimeoutClass.SctpEstablished)]
    [InlineData(SctpConnState.ShutdownSent, TimeoutClass.SctpShutdownSent)]
    [InlineData(SctpConnState.ShutdownRecd, TimeoutClass.SctpShutdownRecd)]
    [InlineData(SctpConnState.ShutdownAckSent, TimeoutClass.SctpShutdownAckSent)]
    [InlineData(SctpConnState.HeartbeatSent, TimeoutClass.SctpHeartbeatSent)]
    public void Sctp_state_picks_its_class_and_a_line_with_its_name_the_same(SctpConnState state, TimeoutClass expected)
    {
        Assert.Equal(expected, TimeoutRules.ForSctp(state));
        var name = StateNames.Parse(StateNames.Sctp(state));
        Assert.Equal(expected, TimeoutRules.For(IpProtocol.Sctp, name, assured: true, unreplied: false));
    }

    [Theory]
    [InlineData(IpProtocol.Tcp, "LISTEN", false, false, TimeoutClass.TcpSynSent)]
    [InlineData(IpProtocol.Sctp, "HEARTBEAT_ACKED", true, false, TimeoutClass.SctpHeartbeatSent)]
    [InlineData(IpProtocol.Udp, "", false, true, TimeoutClass.Udp)]
    [InlineData(IpProtocol.Udp, "", false, false, TimeoutClass.Udp)]
    [InlineData(IpProtocol.Udp, "", true, false, TimeoutClass.UdpStream)]
    [InlineData(IpProtocol.UdpLite, "", true, false, TimeoutClass.UdpStream)]
    [InlineData(IpProtocol.Icmp, "", false, false, TimeoutClass.Icmp)]
    [InlineData(IpProtocol.IcmpV6, "", false, true, TimeoutClass.Icmpv6)]
    [InlineData(IpProtocol.Gre, "", false, true, TimeoutClass.Gre)]
    [InlineData(IpProtocol.Gre, "", false, false, TimeoutClass.GreStream)]
    [InlineData(IpProtocol.Gre, "", true, false, TimeoutClass.GreStream)]
    [InlineData((byte)50, "", false, false, TimeoutClass.Generic)]
    [InlineData((byte)0, "", false, true, TimeoutClass.Generic)]
    public void Table_line_maps_to_the_kernels_class(byte protocol, string state, bool assured, bool unreplied, TimeoutClass expected)
    {
        var id = state.Length == 0 ? StateId.Absent : StateNames.Parse(state);
        Assert.Equal(expected, TimeoutRules.For(protocol, id, assured, unreplied));
    }

    [Theory]
    [InlineData(IpProtocol.Dccp, "OPEN")]
    [InlineData(IpProtocol.Dccp, "REQUEST")]
    [InlineData(IpProtocol.Tcp, "SOMETHING_NEW")]
    [InlineData(IpProtocol.Tcp, "CLOSED")]
    [InlineData(IpProtocol.Sctp, "TIME_WAIT")]
    public void No_sysctl_governs_dccp_or_a_state_foreign_to_the_protocol(byte protocol, string state)
    {
        Assert.Null(TimeoutRules.For(protocol, StateNames.Parse(state), assured: true, unreplied: false));
    }

    [Fact]
    public void Names_print_as_proc_does_and_parse_back()
    {
        Assert.Equal("SYN_SENT2", StateNames.Tcp(TcpConnState.SynSent2));
        Assert.Equal("INVALID", StateNames.Tcp(TcpConnState.Invalid));
        Assert.Equal("SHUTDOWN_ACK_SENT", StateNames.Sctp(SctpConnState.ShutdownAckSent));
        Assert.Equal("TIMEWAIT", StateNames.Name(StateNames.Parse("TIMEWAIT")));
        Assert.Equal(StateId.Other, StateNames.Parse("time_wait"));
        for (var s = TcpConnState.None; s <= TcpConnState.SynSent2; s++)
        {
            Assert.True(StateNames.TryGetTcp(StateNames.Of(s), out var back));
            Assert.Equal(s, back);
        }
        for (var s = SctpConnState.None; s <= SctpConnState.HeartbeatSent; s++)
        {
            Assert.True(StateNames.TryGetSctp(StateNames.Of(s), out var back));
            Assert.Equal(s, back);
        }
        Assert.True(StateNames.TryGetTcp(StateId.Listen, out var listen));
        Assert.Equal(TcpConnState.SynSent2, listen);
    }
}
