namespace Conntrack.Replay.KernelLog;

/// <summary>Which kernel generation's wording and rate limiter the simulated log follows.</summary>
public enum LogStyle
{
    /// <summary>4.x–6.x: <c>nf_conntrack: nf_conntrack: table full, dropping packet</c>; fixed-window
    /// ratelimit (10 per 5 s) reporting <c>net_ratelimit: N callbacks suppressed</c>.</summary>
    Modern,

    /// <summary>~3.x: the same limiter, the message without the doubled prefix.</summary>
    Linux3,

    /// <summary>2.6 nf_conntrack: <c>nf_conntrack: table full, dropping packet.</c>; token-bucket
    /// limiter reporting <c>printk: N messages suppressed.</c></summary>
    Linux26,

    /// <summary>2.4 ip_conntrack: <c>ip_conntrack: table full, dropping packet.</c>; token bucket
    /// reporting <c>NET: N messages suppressed.</c></summary>
    IpConntrack,
}
