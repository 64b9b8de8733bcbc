using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Conntrack.Benchmarking;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;
using Spectre.Console;
using SpectreTable = Spectre.Console.Table;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet bench</c>: a quick (under a minute) measurement of the engine on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var flows = new Option<int?>("--flows") { Description = "Flows in the large table, 1000 to 50000000 (default 1000000).", HelpName = "N" }
            .ParsedBy((option, text) => (int)ValueParsers.Whole(1000, 50_000_000)(option, text));
        var large = new Option<bool>("--large") { Description = "Also measure random lookups in a 10,000,000-connection table (needs about 2.5 GB)." };
        var command = new Command("bench", "Measure packets per second, bytes per flow and allocations on this machine, against a naive Dictionary-based tracker.") { json, flows, large };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int largeFlows = parse.GetValue(flows) ?? 1_000_000;
            bool asJson = parse.GetValue(json);
            var figures = QuickBench.Run(largeFlows, asJson || Console.IsErrorRedirected ? null : step => Console.Error.WriteLine($"ctnet bench: {step}"), parse.GetValue(large));
            if (asJson)
                WriteJson(figures);
            else
                Render(figures);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void WriteJson(BenchmarkFigures f)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            WriteUdp(w, "10k", f.UdpRandom10k, inserts: false);
            WriteUdp(w, "1m", f.UdpRandom1m, inserts: true);
            if (f.UdpRandom10m is { } huge)
                WriteUdp(w, "10m", huge, inserts: true);
            WriteSpread(w, "hit_10k_mpps", f.Hit10kMpps, 3);
            WriteSpread(w, "baseline_hit_10k_mpps", f.BaselineHit10kMpps, 3);
            w.WriteNumber("hit_10k_ratio_to_baseline", Math.Round(f.Hit10kMpps.Median / f.BaselineHit10kMpps.Median, 2));
            WriteSpread(w, "hit_1m_mpps", f.Hit1mMpps, 3);
            w.WriteNumber("large_table_flows", f.Flows1m);
            WriteSpread(w, "churn_conns_per_s", f.ChurnConnectionsPerSecond, 0);
            WriteSpread(w, "table_full_flood_mpps", f.TableFullFloodMpps, 3);
            WriteSpread(w, "replay_mpps", f.ReplayMpps, 3);
            WriteSpread(w, "replay_all_cores_mpps", f.ReplayAllCoresMpps, 3);
            w.WriteNumber("replay_threads", f.ReplayThreads);
            w.WriteNumber("replay_all_cores_speedup", Math.Round(f.ReplayAllCoresMpps.Median / f.ReplayMpps.Median, 2));
            w.WriteNumber("bytes_per_flow", Math.Round(f.BytesPerFlow, 1));
            w.WriteNumber("allocated_bytes_per_packet", Math.Round(f.AllocatedBytesPerPacket, 4));
            WriteSpread(w, "baseline_hit_1m_mpps", f.BaselineHit1mMpps, 3);
            w.WriteNumber("baseline_bytes_per_flow", Math.Round(f.BaselineBytesPerFlow, 1));
            w.WriteNumber("hit_1m_ratio_to_baseline", Math.Round(f.Hit1mMpps.Median / f.BaselineHit1mMpps.Median, 2));
            w.WriteNumber("runs", QuickBench.Runs);
            w.WriteStartArray("warnings");
            foreach (string warning in f.Warnings)
                w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }

    /// <summary>
    /// One size of the UDP random-lookup workload, each figure beside the naive baseline's and their
    /// ratio; at the large size also inserts and resident memory per connection.
    /// </summary>
    private static void WriteUdp(Utf8JsonWriter w, string size, UdpFigures u, bool inserts)
    {
        WriteSpread(w, $"udp_random_{size}_mpps", u.Lookups, 3);
        WriteSpread(w, $"baseline_udp_random_{size}_mpps", u.BaselineLookups, 3);
        w.WriteNumber($"udp_random_{size}_ratio_to_baseline", Math.Round(u.Lookups.Median / u.BaselineLookups.Median, 2));
        if (!inserts)
            return;
        WriteSpread(w, $"insert_{size}_mps", u.Inserts, 3);
        w.WriteNumber($"baseline_insert_{size}_mps", Math.Round(u.BaselineInserts, 3));
        w.WriteNumber($"insert_{size}_ratio_to_baseline", Math.Round(u.Inserts.Median / u.BaselineInserts, 2));
        // The large table's figure is the headline one; the 10M table's is named by its size.
        string rss = size == "1m" ? "rss" : $"rss_{size}";
        WriteMaybe(w, $"{rss}_bytes_per_flow", u.RssBytesPerFlow);
        WriteMaybe(w, $"baseline_{rss}_bytes_per_flow", u.BaselineRssBytesPerFlow);
        WriteMaybe(w, $"{rss}_ratio_to_baseline", u.RssBytesPerFlow / u.BaselineRssBytesPerFlow);
    }

    /// <summary>A figure /proc may not have given (null then).</summary>
    private static void WriteMaybe(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
            w.WriteNumber(name, Math.Round(value, 2));
        else
            w.WriteNull(name);
    }

    /// <summary>The median under the figure's own name, the extremes beside it.</summary>
    private static void WriteSpread(Utf8JsonWriter w, string name, Spread s, int digits)
    {
        w.WriteNumber(name, Math.Round(s.Median, digits));
        w.WriteNumber(name + "_min", Math.Round(s.Min, digits));
        w.WriteNumber(name + "_max", Math.Round(s.Max, digits));
    }

    private static void Render(BenchmarkFigures f)
    {
        var inv = CultureInfo.InvariantCulture;
        var console = ReportWriter.CreateConsole(toStderr: false);
        var table = new SpectreTable().Border(TableBorder.Rounded)
            .Title($"ctnet bench ({Environment.ProcessorCount} cores, .NET {Environment.Version}; median of {QuickBench.Runs} runs, min–max)");
        table.AddColumn("workload");
        table.AddColumn(new TableColumn("result").RightAligned());
        table.AddColumn(new TableColumn("naive baseline").RightAligned());
        AddUdpRows(table, "10k", f.UdpRandom10k);
        AddUdpRows(table, f.Flows1m.ToString("N0", inv), f.UdpRandom1m);
        if (f.UdpRandom10m is { } huge)
            AddUdpRows(table, QuickBench.HugeFlows.ToString("N0", inv), huge);
        table.AddRow("inserts, UDP, in order", Rate(f.UdpRandom1m.Inserts, 1, "M/s"), Versus(f.UdpRandom1m.Inserts.Median, f.UdpRandom1m.BaselineInserts, "M/s"));
        table.AddRow("resident memory per connection", Bytes(f.UdpRandom1m.RssBytesPerFlow), Bytes(f.UdpRandom1m.BaselineRssBytesPerFlow));
        table.AddRow("TCP hit path, 10k flows, creation order", Rate(f.Hit10kMpps, 1, "Mpps"), Versus(f.Hit10kMpps.Median, f.BaselineHit10kMpps.Median, "Mpps"));
        table.AddRow($"TCP hit path, {f.Flows1m.ToString("N0", inv)} flows, creation order", Rate(f.Hit1mMpps, 1, "Mpps"), Versus(f.Hit1mMpps.Median, f.BaselineHit1mMpps.Median, "Mpps"));
        table.AddRow("connection churn", Rate(f.ChurnConnectionsPerSecond, 1e6, "M conns/s"), "");
        table.AddRow("SYN flood, full table", Rate(f.TableFullFloodMpps, 1, "Mpps"), "");
        table.AddRow("replay (pcap → table), one core", Rate(f.ReplayMpps, 1, "Mpps"), "");
        table.AddRow($"the same replay, {f.ReplayThreads} threads", $"{Rate(f.ReplayAllCoresMpps, 1, "Mpps")}, {(f.ReplayAllCoresMpps.Median / f.ReplayMpps.Median).ToString("0.00", inv)}×", "");
        table.AddRow("memory per flow", $"{f.BytesPerFlow.ToString("0", inv)} B", $"{f.BaselineBytesPerFlow.ToString("0", inv)} B");
        table.AddRow("allocated per packet", $"{f.AllocatedBytesPerPacket.ToString("0.####", inv)} B", "");
        console.Write(table);
        foreach (string warning in f.Warnings)
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
    }

    private static void AddUdpRows(SpectreTable table, string size, UdpFigures u) =>
        table.AddRow($"UDP lookups, {size} connections, random", Rate(u.Lookups, 1, "Mpps"), Versus(u.Lookups.Median, u.BaselineLookups.Median, "Mpps"));

    /// <summary>"3.10 Mpps (2.4×)": the baseline's figure and how many times it this table's is.</summary>
    private static string Versus(double ours, double baseline, string unit)
    {
        var inv = CultureInfo.InvariantCulture;
        return $"{baseline.ToString("0.00", inv)} {unit} ({(ours / baseline).ToString("0.0", inv)}×)";
    }

    private static string Bytes(double perFlow) =>
        double.IsFinite(perFlow) ? $"{perFlow.ToString("0", CultureInfo.InvariantCulture)} B" : "unknown";

    /// <summary>"12.34 Mpps (11.90–12.51)".</summary>
    private static string Rate(Spread s, double scale, string unit)
    {
        var inv = CultureInfo.InvariantCulture;
        return $"{(s.Median / scale).ToString("0.00", inv)} {unit} ({(s.Min / scale).ToString("0.00", inv)}–{(s.Max / scale).ToString("0.00", inv)})";
    }
}
