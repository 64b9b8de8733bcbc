using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Conntrack.KernelParity.Tests.Comparison;
using Conntrack.KernelParity.Tests.Engine;
using Conntrack.KernelParity.Tests.Kernel;
using Conntrack.KernelParity.Tests.Preparation;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// One table-full row end to end: generate the flood, prepare it like any capture, lower the host's
/// nf_conntrack_max for the replay only, read B (count, table, counters, kernel log since the row's
/// marker), replay the same file through the engine with the same limit, bucket count and netns inode,
/// and judge the two with <see cref="TableFullTolerance"/>.
/// </summary>
internal static partial class TableFullRun
{
    /// <summary>
    /// 4000 packets a second: a row's flood takes under a second, so the engine's first GC run (one
    /// second after its first packet) never falls inside it, and the kernel's (every ~60 s on an idle
    /// machine) only rarely. veth takes this rate without a single drop (checked on b0).
    /// </summary>
    public static ReplayTiming Timing { get; } = new(TimeSpan.FromTicks(2500));

    /// <summary>The previous row's table-full messages the limiters swallowed and had not reported yet (kernel, engine).</summary>
    private static (string Name, long KernelUnreported, long EngineUnreported)? _previous;

    public static TableFullReport Run(TableFullScenario scenario, ITestOutputHelper output)
    {
        output.WriteLine($"{scenario.Name}: {scenario.Purpose}");
        var work = Directory.CreateTempSubdirectory("ctp-full-");
        try
        {
            string source = Path.Combine(work.FullName, "flood.pcap");
            long generated = scenario.Write(source);
            using var topology = ParityTopology.Create();
            long inode = long.Parse(topology.InRouter("stat", "-L", "-c", "%i", "/proc/self/ns/net").Stdout.Trim(), CultureInfo.InvariantCulture);
            var prepared = CapturePreparer.Prepare(source, Path.Combine(work.FullName, "prepared.pcap"), topology.SenderMac, topology.RouterMac, Timing);
            output.WriteLine($"generated {generated} packets; " + prepared.Describe() + $"; B's netns inode {inode}");
            if (prepared.Packets != generated)
                Assert.Fail($"{scenario.Name}: the preparer left out packets of a generated flood: {prepared.Describe()}");
            AddArrivalCounter(topology);

            RateLimitWindow.WaitForFresh(output);
            var log = KernelLogWindow.Open(scenario.Name);
            KernelObservation kernel;
            long original;
            var lowered = System.Diagnostics.Stopwatch.StartNew();
            // A row with its own bucket count resizes the one hash table all namespaces share, for as
            // short a time as the limit: both go back as soon as B has taken every frame.
            using var hash = scenario.Buckets > 0 ? GlobalSysctlOverride.Set(GlobalSysctlOverride.Buckets, scenario.Buckets) : null;
            int buckets = (int)GlobalSysctlOverride.Read(GlobalSysctlOverride.Buckets);
            using (var limit = GlobalSysctlOverride.Set(GlobalSysctlOverride.Max, scenario.Max))
            {
                original = limit.Original;
                kernel = KernelReplay.Run(topology, prepared, afterSend: () =>
                {
                    // Every frame through B's conntrack hook before the limit goes back up.
                    WaitForArrivals(topology, prepared.Packets);
                    limit.Restore();
                    hash?.Restore();
                    lowered.Stop();
                });
            }
            RateLimitWindow.NoteDrops();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"nf_conntrack_max {original} → {scenario.Max} → {GlobalSysctlOverride.Read(GlobalSysctlOverride.Max)}, nf_conntrack_buckets {buckets} → {GlobalSysctlOverride.Read(GlobalSysctlOverride.Buckets)} (restored after {lowered.Elapsed.TotalSeconds:0.000} s); tcpreplay took {kernel.ReplayDuration.TotalSeconds:0.000} s; b0 received {kernel.Received} of {prepared.Packets} frames, dropped {kernel.ReceiveDropped}; read {kernel.ReadDelay.TotalMilliseconds:0} ms after the last packet"));
            if (kernel.Received != prepared.Packets || kernel.ReceiveDropped != 0)
                Assert.Fail($"{scenario.Name}: b0 received {kernel.Received} of {prepared.Packets} frames (dropped {kernel.ReceiveDropped}): the replay was not lossless");
            long kernelCount = long.Parse(topology.InRouter("cat", "/proc/sys/net/netfilter/nf_conntrack_count").Stdout.Trim(), CultureInfo.InvariantCulture);
            var records = log.Read();

            var settings = topology.ReadSettings();
            settings.Max = scenario.Max;
            settings.Buckets = buckets;
            var engine = EngineReplay.Run(prepared, kernel.ReadDelay, settings, inode, out var result);

            string tableFullText = $"table full in netns {inode.ToString(CultureInfo.InvariantCulture)},";
            var kernelSide = new TableFullSide(
                "kernel",
                kernelCount,
                ProcEntry.ParseAll(kernel.ProcText.Split('\n')),
                kernel.Counters,
                ConntrackCounters.SumField(kernel.StatsText, "early_drop"),
                records.Count(r => r.Text.Contains(tableFullText, StringComparison.Ordinal)),
                records.Where(r => r.Text.Contains("table full", StringComparison.Ordinal)).Select(r => r.Text).Distinct().ToList(),
                records.Where(r => r.Text.StartsWith("net_ratelimit:", StringComparison.Ordinal)).Select(r => r.Text).ToList());
            var engineSide = new TableFullSide(
                "engine",
                result.Table.Count,
                ProcEntry.ParseAll(engine.ProcLines),
                engine.Counters,
                result.Statistics.EarlyDrop,
                result.Log.Printed,
                result.Log.Lines.Where(l => l.Text.Contains("table full", StringComparison.Ordinal)).Select(l => l.Text).Distinct().ToList(),
                result.Log.Lines.Where(l => l.Text.StartsWith("net_ratelimit:", StringComparison.Ordinal)).Select(l => l.Text).ToList());

            ParityRun.PrintTable(output, "kernel /proc/net/nf_conntrack", kernelSide.Entries.Select(e => e.Line).ToList());
            ParityRun.PrintTable(output, "engine", engineSide.Entries.Select(e => e.Line).ToList());
            output.WriteLine("kernel conntrack -S:\n" + kernel.StatsText.TrimEnd());
            output.WriteLine(DescribeLog("kernel log since the row's marker", records.Select(r => string.Create(CultureInfo.InvariantCulture, $"[{r.Time,12:0.000000}] {r.Text}"))));
            output.WriteLine(DescribeLog("engine log", result.Log.Lines.Select(l => l.ToDmesg(result.FirstTimestamp))));

            var report = Judge(scenario, buckets, kernelSide, engineSide, inode, prepared, result.Log.SuppressedUnreported);
            output.WriteLine(report.Describe());
            ParityLog.Append(report.Describe(), prepared.Describe() + string.Create(CultureInfo.InvariantCulture, $"\nkernel: tcpreplay took {kernel.ReplayDuration.TotalSeconds:0.000} s, b0 received {kernel.Received} of {prepared.Packets}, read {kernel.ReadDelay.TotalMilliseconds:0} ms after the last packet"));
            return report;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static TableFullReport Judge(TableFullScenario scenario, int buckets, TableFullSide kernel, TableFullSide engine, long inode, PreparedCapture prepared, long engineUnreported)
    {
        var checks = new List<TableFullCheck>();
        var notes = new List<string>();
        double timeline = (prepared.LastTimestamp - prepared.FirstTimestamp) / 1e9;
        if (timeline >= 1)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the flood lasts {timeline:0.000} s: the engine's first GC run (1 s after its first packet) falls inside it, the kernel's global worker most likely not"));
        }
        int max = scenario.Max;
        int max95 = TableFullTolerance.Max95(max);

        // Count: the table ends full on both sides. The kernel's GC early-drop mode (one global worker,
        // its timing independent of the replay) may have run between the flood and the read, leaving
        // it just below 95 %: then it holds max95 − 1 entries, never fewer.
        bool gcRan = scenario.EarlyDropPossible && kernel.Count < max && kernel.Count == max95 - 1;
        checks.Add(new TableFullCheck("count", engine.Count == max && (kernel.Count == max || gcRan),
            $"kernel {kernel.Count}, engine {engine.Count}, max {max}" + (gcRan ? $" (kernel at max95 − 1 = {max95 - 1}: its GC early-drop mode ran after the flood)" : string.Empty)));
        if (gcRan)
            notes.Add("the kernel's GC early-drop mode evicted unassured entries during the window (global worker, not synchronised with the replay)");
        if (kernel.Listed != kernel.Count || engine.Listed != engine.Count)
            notes.Add($"listed vs counted: kernel {kernel.Listed}/{kernel.Count}, engine {engine.Listed}/{engine.Count} (expired-but-unreaped entries count but are not listed)");

        if (scenario.Deterministic)
        {
            checks.Add(new TableFullCheck("counters", kernel.Counters == engine.Counters,
                $"exact (no chance involved): kernel {kernel.Counters}, engine {engine.Counters}"));
        }
        else
        {
            // With a small hash, early drop decides a third of the allocations: drops then spread like
            // early drops (the same chance, the other outcome), no longer within 5 %.
            bool dropsClose = scenario.Buckets > 0
                ? TableFullTolerance.SameProcess(kernel.Counters.Drop, engine.Counters.Drop, out string rule)
                : TableFullTolerance.DropsClose(kernel.Counters.Drop, engine.Counters.Drop, out rule);
            checks.Add(new TableFullCheck("drop", dropsClose, rule));
            // Stray SYN/ACKs that early drop made room for are refused by the tracker afterwards (invalid).
            checks.Add(new TableFullCheck("invalid", TableFullTolerance.SameProcess(kernel.Counters.Invalid, engine.Counters.Invalid, out rule), rule));
            checks.Add(new TableFullCheck("error", kernel.Counters.Error == engine.Counters.Error, $"exact: kernel {kernel.Counters.Error}, engine {engine.Counters.Error}"));
        }

        if (!scenario.EarlyDropPossible)
        {
            checks.Add(new TableFullCheck("early_drop", kernel.EarlyDrop == 0 && engine.EarlyDrop == 0,
                $"both 0 (only ASSURED entries in the full table): kernel {kernel.EarlyDrop}, engine {engine.EarlyDrop}"));
        }
        else
        {
            checks.Add(new TableFullCheck("early_drop", TableFullTolerance.SameProcess(kernel.EarlyDrop, engine.EarlyDrop, out string rule), rule));
            // Each side against reference §6.2's model, from its own drops and unassured entries.
            foreach (var side in new[] { kernel, engine })
            {
                double expected = TableFullTolerance.ExpectedEarlyDrops(side.Counters.Drop, side.Unassured, buckets);
                checks.Add(new TableFullCheck($"{side.Name} early_drop vs model", TableFullTolerance.NearExpectation(side.EarlyDrop, expected, out rule),
                    rule + string.Create(CultureInfo.InvariantCulture, $" (E = drops·p/(1−p), p = 1−(1−2·{side.Unassured}/{buckets})⁸)")));
            }
        }

        checks.Add(MixCheck(scenario, kernel, engine, gcRan ? max - max95 + 1 : 0));

        ParityReport? parity = null;
        string scope;
        var kernelExact = scenario.Deterministic ? kernel.Entries : kernel.Entries.Where(e => e.Assured).ToList();
        var engineExact = scenario.Deterministic ? engine.Entries : engine.Entries.Where(e => e.Assured).ToList();
        if (kernelExact.Count + engineExact.Count > 0)
        {
            scope = scenario.Deterministic ? "every entry" : "the ASSURED entries (out of early drop's reach)";
            parity = ParityComparer.Compare(scenario.Name, kernelExact.Select(e => e.Line), engineExact.Select(e => e.Line), kernel.Counters, engine.Counters);
            checks.Add(new TableFullCheck("entries", parity.Mismatches.Count == 0,
                $"{scope} entry by entry: {parity.EqualEntries}/{parity.TotalEntries} equal, {parity.Mismatches.Count} mismatches"));
        }
        else
        {
            scope = "none (no ASSURED entries)";
        }

        checks.Add(LogCheck(kernel, engine, inode));
        if (kernel.SuppressedLines.Count > 0 || engine.SuppressedLines.Count > 0)
        {
            notes.Add($"net_ratelimit lines: kernel [{string.Join("; ", kernel.SuppressedLines)}], engine [{string.Join("; ", engine.SuppressedLines)}] "
                + "(the kernel's limiter is global: a 'callbacks suppressed' line reports the misses of the window before, here the previous row's"
                + (_previous is { } p ? string.Create(CultureInfo.InvariantCulture, $": {p.Name} left kernel drops − printed = {p.KernelUnreported} unreported, its engine {p.EngineUnreported})") : ")"));
        }
        _previous = (scenario.Name, kernel.Counters.Drop - kernel.LogPrinted, engineUnreported);

        return new TableFullReport
        {
            Scenario = scenario,
            Buckets = buckets,
            Kernel = kernel,
            Engine = engine,
            EntryParity = parity,
            EntryParityScope = scope,
            Checks = checks,
            Notes = notes,
        };
    }

    /// <summary>
    /// The entries per protocol/state/flags. Exact where chance is not involved; otherwise each class
    /// may differ by as much as early drop's replacements can move it (the rule of the early drops
    /// themselves, over their sum), plus the GC's evictions when the kernel's GC mode ran.
    /// </summary>
    private static TableFullCheck MixCheck(TableFullScenario scenario, TableFullSide kernel, TableFullSide engine, int gcSlack)
    {
        var classes = kernel.StateMix.Keys.Union(engine.StateMix.Keys).Order(StringComparer.Ordinal).ToList();
        double allowed = scenario.EarlyDropPossible ? (TableFullTolerance.Sigmas * Math.Sqrt(kernel.EarlyDrop + engine.EarlyDrop)) + TableFullTolerance.Slack + gcSlack : 0;
        var parts = new List<string>();
        bool ok = true;
        foreach (string c in classes)
        {
            int k = kernel.StateMix.GetValueOrDefault(c), e = engine.StateMix.GetValueOrDefault(c);
            ok &= Math.Abs(k - e) <= allowed;
            parts.Add($"{c} {k}/{e}");
        }
        string rule = scenario.EarlyDropPossible
            ? string.Create(CultureInfo.InvariantCulture, $"each class within 4·√(early drops {kernel.EarlyDrop}+{engine.EarlyDrop})+3{(gcSlack > 0 ? $"+{gcSlack}" : string.Empty)} = {allowed:0.0}")
            : "exact";
        return new TableFullCheck("state mix", ok, $"{rule}: {string.Join(", ", parts)}");
    }

    /// <summary>
    /// Both printed the table-full line at least once, with identical text naming B's namespace, and
    /// as many times give or take one burst of the shared limiter (its window may have been opened by
    /// anything else in the kernel).
    /// </summary>
    private static TableFullCheck LogCheck(TableFullSide kernel, TableFullSide engine, long inode)
    {
        string expected = $"nf_conntrack: nf_conntrack: table full in netns {inode.ToString(CultureInfo.InvariantCulture)}, dropping packet";
        bool texts = kernel.LogTexts.Count == 1 && engine.LogTexts.Count == 1 && kernel.LogTexts[0] == engine.LogTexts[0] && kernel.LogTexts[0] == expected;
        bool counts = kernel.LogPrinted >= 1 && engine.LogPrinted >= 1 && Math.Abs(kernel.LogPrinted - engine.LogPrinted) <= TableFullTolerance.LogBurst;
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"printed kernel {kernel.LogPrinted}, engine {engine.LogPrinted} (both ≥ 1, |difference| ≤ {TableFullTolerance.LogBurst}); texts {(texts ? "identical" : "DIFFER")}: "
            + $"kernel [{string.Join(" | ", kernel.LogTexts)}], engine [{string.Join(" | ", engine.LogTexts)}]");
        return new TableFullCheck("kernel log", texts && counts, detail);
    }

    private static string DescribeLog(string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{title}: {list.Count} lines");
        foreach (string line in list.Take(24))
            sb.Append("\n  ").Append(line);
        if (list.Count > 24)
            sb.Append("\n  …");
        return sb.ToString();
    }

    /// <summary>A counter on every frame reaching B, ahead of conntrack (raw priority), to know when B has seen them all.</summary>
    private static void AddArrivalCounter(ParityTopology topology) =>
        Shell.CheckWithInput(
            """
            table inet ctp_arrivals {
              chain pre { type filter hook prerouting priority raw; counter; }
            }
            """,
            "ip", "netns", "exec", topology.RouterNamespace, "nft", "-f", "-");

    private static void WaitForArrivals(ParityTopology topology, long expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            string listing = topology.InRouter("nft", "list", "chain", "inet", "ctp_arrivals", "pre").Stdout;
            var m = CounterPackets().Match(listing);
            long seen = m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            if (seen >= expected || DateTime.UtcNow > deadline)
                break;
            Thread.Sleep(5);
        }
        // The counter ticks before conntrack handles the same frame; let the last one finish.
        Thread.Sleep(20);
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterPackets();
}
