namespace Conntrack.KernelParity.Tests.Profiles;

/// <summary>
/// The non-default settings every scenario and shared capture is also compared under (issue #18).
/// Each changes only per-namespace sysctls, so B's own values are all it touches; the global ones
/// (nf_conntrack_max, nf_conntrack_buckets) are the table-full rows' business.
/// </summary>
internal static class SettingsProfiles
{
    public static IReadOnlyList<SettingsProfile> All { get; } =
    [
        new("liberal", "window checks off, no mid-stream pickup, RSTs below the window ignored",
        [
            new("nf_conntrack_tcp_be_liberal", 1),
            new("nf_conntrack_tcp_loose", 0),
            new("nf_conntrack_tcp_ignore_invalid_rst", 1),
        ]),
        new("strict", "no mid-stream pickup, window checks on, retransmissions cut short at once",
        [
            new("nf_conntrack_tcp_loose", 0),
            new("nf_conntrack_tcp_max_retrans", 0),
        ]),
        new("timeouts", "every TCP, UDP, ICMP and generic timeout changed, max_retrans 1",
        [
            new("nf_conntrack_tcp_timeout_syn_sent", 100),
            new("nf_conntrack_tcp_timeout_syn_recv", 50),
            new("nf_conntrack_tcp_timeout_established", 3000),
            new("nf_conntrack_tcp_timeout_fin_wait", 90),
            new("nf_conntrack_tcp_timeout_close_wait", 45),
            new("nf_conntrack_tcp_timeout_last_ack", 25),
            new("nf_conntrack_tcp_timeout_time_wait", 80),
            new("nf_conntrack_tcp_timeout_close", 7),
            new("nf_conntrack_tcp_max_retrans", 1),
            new("nf_conntrack_tcp_timeout_max_retrans", 40),
            new("nf_conntrack_tcp_timeout_unacknowledged", 50),
            new("nf_conntrack_udp_timeout", 20),
            new("nf_conntrack_udp_timeout_stream", 90),
            new("nf_conntrack_icmp_timeout", 15),
            new("nf_conntrack_icmpv6_timeout", 25),
            new("nf_conntrack_generic_timeout", 300),
            new("nf_conntrack_gre_timeout", 20),
            new("nf_conntrack_gre_timeout_stream", 150),
            new("nf_conntrack_sctp_timeout_cookie_wait", 4),
            new("nf_conntrack_sctp_timeout_established", 5000),
        ]),
        new("extremes", "one-second closing timeouts, no retransmission allowance, the longest timeout jiffies allow",
        [
            new("nf_conntrack_tcp_timeout_close", 1),
            new("nf_conntrack_tcp_timeout_time_wait", 1),
            new("nf_conntrack_tcp_timeout_syn_recv", 1),
            new("nf_conntrack_tcp_timeout_max_retrans", 1),
            new("nf_conntrack_tcp_max_retrans", 0),
            new("nf_conntrack_udp_timeout", 1),
            new("nf_conntrack_icmp_timeout", 1),
            new("nf_conntrack_tcp_timeout_established", 2147483),
            new("nf_conntrack_generic_timeout", 2147483),
        ]),
        new("checksum", "L4 checksums verified (captures with offloaded checksums are partly wrong)",
        [
            new("nf_conntrack_checksum", 1),
        ]),
        new("acct-timestamp", "per-entry packet/byte counters and start timestamps in the dump",
        [
            new("nf_conntrack_acct", 1),
            new("nf_conntrack_timestamp", 1),
        ]),
    ];

    public static SettingsProfile ByName(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"no settings profile named {name}", nameof(name));
}
