using System.Globalization;
using Conntrack.Timeouts;

namespace Conntrack.Settings;

/// <summary>
/// The kernel's conntrack sysctls with the defaults of a 6.18 kernel on a 64-bit host with more than
/// 4 GiB of memory. Timeouts are seconds, as the sysctls take them. Settings are read by a table
/// when it is created; change them before, not during, a run.
/// </summary>
public sealed class ConntrackSettings
{
    // Kernel stores timeouts as int jiffies; at HZ=1000 that bounds seconds to int.MaxValue/1000.
    private const long MaxTimeout = int.MaxValue / 1000;

    /// <summary>Every setting the engine models, in the order /proc lists them.</summary>
    public static IReadOnlyList<SysctlDescriptor> All { get; } =
    [
        new("nf_conntrack_max", 262144, 0, int.MaxValue, "maximum entries per network namespace (0 = no limit)"),
        new("nf_conntrack_buckets", 262144, 1, 1 << 28, "hash buckets (rounded up to a multiple of 512)"),
        new("nf_conntrack_checksum", 1, 0, 1, "verify L4 checksums of arriving packets"),
        new("nf_conntrack_log_invalid", 0, 0, 255, "protocol number whose invalid packets are logged"),
        new("nf_conntrack_acct", 0, 0, 1, "per-entry packet and byte counters"),
        new("nf_conntrack_timestamp", 0, 0, 1, "per-entry start timestamp (delta-time)"),
        new("nf_conntrack_events", 2, 0, 2, "event delivery: 0 off, 1 on, 2 when a listener exists"),
        new("nf_conntrack_expect_max", 4096, 1, int.MaxValue, "maximum expectations"),
        Timeout(TimeoutClass.Generic),
        Timeout(TimeoutClass.TcpSynSent),
        Timeout(TimeoutClass.TcpSynRecv),
        Timeout(TimeoutClass.TcpEstablished),
        Timeout(TimeoutClass.TcpFinWait),
        Timeout(TimeoutClass.TcpCloseWait),
        Timeout(TimeoutClass.TcpLastAck),
        Timeout(TimeoutClass.TcpTimeWait),
        Timeout(TimeoutClass.TcpClose),
        Timeout(TimeoutClass.TcpMaxRetrans),
        Timeout(TimeoutClass.TcpUnacknowledged),
        new("nf_conntrack_tcp_loose", 1, 0, 1, "pick up established TCP connections mid-stream"),
        new("nf_conntrack_tcp_be_liberal", 0, 0, 1, "accept out-of-window TCP packets"),
        new("nf_conntrack_tcp_ignore_invalid_rst", 0, 0, 1, "accept RSTs below the window"),
        new("nf_conntrack_tcp_max_retrans", 3, 0, 255, "retransmissions before the max_retrans timeout"),
        Timeout(TimeoutClass.Udp),
        Timeout(TimeoutClass.UdpStream),
        Timeout(TimeoutClass.Icmp),
        Timeout(TimeoutClass.Icmpv6),
        Timeout(TimeoutClass.Gre),
        Timeout(TimeoutClass.GreStream),
        Timeout(TimeoutClass.SctpClosed),
        Timeout(TimeoutClass.SctpCookieWait),
        Timeout(TimeoutClass.SctpCookieEchoed),
        Timeout(TimeoutClass.SctpEstablished),
        Timeout(TimeoutClass.SctpShutdownSent),
        Timeout(TimeoutClass.SctpShutdownRecd),
        Timeout(TimeoutClass.SctpShutdownAckSent),
        Timeout(TimeoutClass.SctpHeartbeatSent),
        new("nf_conntrack_frag6_timeout", 60, 0, MaxTimeout, "IPv6 reassembly timeout"),
        new("nf_conntrack_frag6_high_thresh", 4194304, 0, int.MaxValue, "IPv6 reassembly memory high mark"),
        new("nf_conntrack_frag6_low_thresh", 3145728, 0, int.MaxValue, "IPv6 reassembly memory low mark"),
    ];

    private static readonly Dictionary<string, int> IndexByName = BuildIndex();

    /// <summary>Position in <see cref="All"/> per <see cref="TimeoutClass"/>.</summary>
    private static readonly int[] IndexByTimeout = [.. TimeoutClasses.All.Select(t => IndexByName[t.SysctlName])];

    private readonly long[] _values;

    public ConntrackSettings()
    {
        _values = new long[All.Count];
        for (int i = 0; i < _values.Length; i++)
            _values[i] = All[i].Default;
    }

    private ConntrackSettings(long[] values) => _values = values;

    public ConntrackSettings Clone() => new((long[])_values.Clone());

    /// <summary>A timeout's descriptor: name, default and description from <see cref="TimeoutClasses"/>, the range jiffies allow.</summary>
    private static SysctlDescriptor Timeout(TimeoutClass timeout)
    {
        var t = timeout.Definition();
        return new(t.SysctlName, t.DefaultSeconds, 0, MaxTimeout, t.Description);
    }

    private static Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < All.Count; i++)
        {
            index[All[i].Name] = i;
            index[All[i].ShortName] = i;
        }
        return index;
    }

    /// <summary>
    /// Resolves any accepted spelling to the kernel name: <c>nf_conntrack_max</c>, <c>max</c>,
    /// <c>net.netfilter.nf_conntrack_max</c>, <c>net.nf_conntrack_max</c>, or the 2.6-era
    /// <c>net.ipv4.netfilter.ip_conntrack_max</c>. Null when the name is not a setting.
    /// </summary>
    public static string? CanonicalName(string name)
    {
        string n = name.Trim().Replace('/', '.');
        foreach (string prefix in (ReadOnlySpan<string>)["net.netfilter.", "net.ipv4.netfilter.", "net."])
        {
            if (n.StartsWith(prefix, StringComparison.Ordinal))
            {
                n = n[prefix.Length..];
                break;
            }
        }
        if (n.StartsWith("ip_conntrack_", StringComparison.Ordinal))
            n = "nf_conntrack_" + n["ip_conntrack_".Length..];
        return IndexByName.TryGetValue(n, out int i) ? All[i].Name : null;
    }

    /// <summary>True for the kernel name of a modelled setting, as its file under /proc/sys/net/netfilter is named.</summary>
    public static bool IsModelled(string kernelName) => IndexByName.TryGetValue(kernelName, out int i) && All[i].Name == kernelName;

    public static bool IsReadOnlyName(string canonicalOrLegacy) =>
        canonicalOrLegacy.EndsWith("conntrack_count", StringComparison.Ordinal);

    public long Get(string name) => _values[IndexOf(name)];

    /// <summary>A timeout in seconds.</summary>
    public long Get(TimeoutClass timeout) => _values[IndexByTimeout[(int)timeout]];

    public void Set(TimeoutClass timeout, long seconds) => Set(timeout.SysctlName(), seconds);

    /// <summary>Sets a value after checking it against the kernel's accepted range.</summary>
    public void Set(string name, long value)
    {
        int i = IndexOf(name);
        var d = All[i];
        if (value < d.Min || value > d.Max)
            throw new SettingsException(string.Create(CultureInfo.InvariantCulture, $"{d.Name}: {value} is out of range (expected {d.Min}..{d.Max})"));
        _values[i] = value;
    }

    /// <summary>Parses and sets a textual value; the error names the setting and the value.</summary>
    public void Set(string name, string value)
    {
        string? canonical = CanonicalName(name);
        if (canonical is null)
            throw new SettingsException($"unknown setting '{SettingsException.Excerpt(name)}' (expected a net.netfilter.nf_conntrack_* name)");
        string v = value.Trim();
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
            throw new SettingsException($"{canonical}: '{SettingsException.Excerpt(value)}' is not an integer");
        Set(canonical, parsed);
    }

    private static int IndexOf(string name)
    {
        string? canonical = CanonicalName(name);
        if (canonical is null)
            throw new SettingsException($"unknown setting '{SettingsException.Excerpt(name)}' (expected a net.netfilter.nf_conntrack_* name)");
        return IndexByName[canonical];
    }

    /// <summary>Settings that differ from the defaults, for reports.</summary>
    public IEnumerable<(string Name, long Value)> Changed()
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (_values[i] != All[i].Default)
                yield return (All[i].Name, _values[i]);
        }
    }

    public long Max { get => Get("nf_conntrack_max"); set => Set("nf_conntrack_max", value); }
    public long Buckets { get => Get("nf_conntrack_buckets"); set => Set("nf_conntrack_buckets", value); }
    public bool Checksum { get => Get("nf_conntrack_checksum") != 0; set => Set("nf_conntrack_checksum", value ? 1 : 0); }
    public bool Accounting { get => Get("nf_conntrack_acct") != 0; set => Set("nf_conntrack_acct", value ? 1 : 0); }
    public bool Timestamp { get => Get("nf_conntrack_timestamp") != 0; set => Set("nf_conntrack_timestamp", value ? 1 : 0); }
    public bool TcpLoose { get => Get("nf_conntrack_tcp_loose") != 0; set => Set("nf_conntrack_tcp_loose", value ? 1 : 0); }
    public bool TcpBeLiberal { get => Get("nf_conntrack_tcp_be_liberal") != 0; set => Set("nf_conntrack_tcp_be_liberal", value ? 1 : 0); }
    public bool TcpIgnoreInvalidRst { get => Get("nf_conntrack_tcp_ignore_invalid_rst") != 0; set => Set("nf_conntrack_tcp_ignore_invalid_rst", value ? 1 : 0); }
    public int TcpMaxRetrans { get => (int)Get("nf_conntrack_tcp_max_retrans"); set => Set("nf_conntrack_tcp_max_retrans", value); }

    /// <summary>
    /// Bucket count the kernel actually allocates: <c>nf_ct_alloc_hashtable</c> rounds up to a
    /// whole page of 8-byte heads (512 on 4 KiB pages).
    /// </summary>
    public int EffectiveBuckets => (int)((Buckets + 511) / 512 * 512);
}
