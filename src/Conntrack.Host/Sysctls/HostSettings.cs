using Conntrack.Settings;

namespace Conntrack.Host.Sysctls;

/// <summary>
/// The conntrack sysctls a host showed, under the engine's canonical names
/// (<c>ip_conntrack_max</c> → <c>nf_conntrack_max</c>), and an engine <see cref="ConntrackSettings"/>
/// holding them — the engine's 6.18 defaults for anything the host did not show.
/// </summary>
public sealed class HostSettings
{
    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

    public ConntrackSettings Settings { get; } = new();

    /// <summary>Every value read, by canonical name (also names the engine does not model, and nf_conntrack_count).</summary>
    public IReadOnlyDictionary<string, long> Values => _values;

    /// <summary>Which file each value came from.</summary>
    public IReadOnlyDictionary<string, string> Sources => _sources;

    /// <summary>True when the host used the 2.4/2.6 names (<c>/proc/sys/net/ipv4/netfilter/ip_conntrack_*</c>).</summary>
    public bool LegacyNames { get; internal set; }

    /// <summary>The <c>hashsize</c> module parameter (<c>/sys/module/nf_conntrack/parameters/hashsize</c>).</summary>
    public long? HashsizeParameter { get; internal set; }

    /// <summary>Files that exist but were not read: refused (a FIFO, a link out of the snapshot) or unreadable (permissions), with the reason.</summary>
    public List<(string File, InputStatus Status, string Reason)> NotRead { get; } = [];

    public bool Has(string canonicalName) => _values.ContainsKey(canonicalName);

    public long? Get(string canonicalName) => _values.TryGetValue(canonicalName, out long v) ? v : null;

    public long? Count => Get("nf_conntrack_count");
    public long? Max => Get("nf_conntrack_max");

    /// <summary>nf_conntrack_buckets, else the hashsize parameter.</summary>
    public long? Buckets => Get("nf_conntrack_buckets") ?? HashsizeParameter;

    /// <summary>The sysctl prefix to write commands with: <c>net.netfilter.nf_conntrack_</c> or <c>net.ipv4.netfilter.ip_conntrack_</c>.</summary>
    public string SysctlName(string canonicalName) =>
        LegacyNames && canonicalName.StartsWith("nf_conntrack_", StringComparison.Ordinal)
            ? "net.ipv4.netfilter.ip_conntrack_" + canonicalName["nf_conntrack_".Length..]
            : "net.netfilter." + canonicalName;

    /// <summary>The file name of a setting on this host: <c>nf_conntrack_max</c>, or <c>ip_conntrack_max</c> on 2.4/2.6.</summary>
    public string ShortName(string canonicalName) =>
        LegacyNames && canonicalName.StartsWith("nf_conntrack_", StringComparison.Ordinal)
            ? "ip_conntrack_" + canonicalName["nf_conntrack_".Length..]
            : canonicalName;

    /// <summary>
    /// Settings known from elsewhere than the sysctl files (a monitor's netlink readings), each recorded under
    /// <paramref name="source"/>; the engine takes the values it models and keeps its defaults for the rest.
    /// </summary>
    public static HostSettings FromValues(IEnumerable<KeyValuePair<string, long>> values, string source)
    {
        ArgumentNullException.ThrowIfNull(values);
        var settings = new HostSettings();
        foreach (var (name, value) in values)
        {
            settings.Record(name, value, source);
            if (ConntrackSettings.CanonicalName(name) is not null)
                settings.Settings.Set(name, value);
        }
        return settings;
    }

    internal void Record(string canonicalName, long value, string source)
    {
        _values[canonicalName] = value;
        _sources[canonicalName] = source;
    }
}
