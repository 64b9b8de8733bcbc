namespace Conntrack.Host.Counters;

/// <summary>
/// The kernel's per-netns conntrack statistics summed over CPUs, under the names <c>conntrack -S</c>
/// prints (<c>clashres</c> → clash_resolve, <c>icmp_error</c> → error, <c>chainlength</c> → chaintoolong).
/// <see cref="Entries"/> is the /proc <c>entries</c> column, which repeats the netns total on every row.
/// </summary>
public sealed class ConntrackCounters
{
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);

    public required string File { get; init; }

    /// <summary>"/proc/net/stat (6.x header)", "/proc/net/stat (2.6–5.x header)", "conntrack -S", …</summary>
    public required string Format { get; init; }

    public int CpuRows { get; internal set; }
    public long? Entries { get; internal set; }

    /// <summary>Counter names in the order the input listed them.</summary>
    public List<string> Names { get; } = [];

    public IReadOnlyDictionary<string, long> Totals => _totals;

    public bool Has(string name) => _totals.ContainsKey(name);

    public long Get(string name) => _totals.GetValueOrDefault(name);

    /// <summary>Counters already summed elsewhere (ctnetlink's per-CPU statistics), by conntrack -S name.</summary>
    public static ConntrackCounters FromTotals(string file, string format, int cpuRows, long? entries, IEnumerable<KeyValuePair<string, long>> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var counters = new ConntrackCounters { File = file, Format = format, CpuRows = cpuRows, Entries = entries };
        foreach (var (name, value) in totals)
            counters.Add(name, value);
        return counters;
    }

    internal void Add(string name, long value)
    {
        if (!_totals.ContainsKey(name))
            Names.Add(name);
        _totals[name] = _totals.GetValueOrDefault(name) + value;
    }

    /// <summary>The conntrack -S name of a /proc/net/stat column.</summary>
    public static string CanonicalName(string column) => column switch
    {
        "clashres" => "clash_resolve",
        "icmp_error" => "error",
        "chainlength" => "chaintoolong",
        _ => column,
    };
}
