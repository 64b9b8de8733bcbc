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
        var command = new Command("bench", "Measure packets per second, bytes per flow and allocations on this machine, against a naive Dictionary-based tracker.") { json, flows };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int large = parse.GetValue(flows) ?? 1_000_000;
            bool asJson = parse.GetValue(json);
            var figures = QuickBench.Run(large, asJson || Console.IsErrorRedirected ? null : step => Console.Error.WriteLine($"ctnet bench: {step}"));
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
            WriteSpread(w, "hit_10k_mpps", f.Hit10kMpps, 3);
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
        table.AddRow("hit path, 10k flows", Rate(f.Hit10kMpps, 1, "Mpps"), "");
        table.AddRow($"hit path, {f.Flows1m.ToString("N0", inv)} flows", Rate(f.Hit1mMpps, 1, "Mpps"),
            $"{Rate(f.BaselineHit1mMpps, 1, "Mpps")} ({(f.Hit1mMpps.Median / f.BaselineHit1mMpps.Median).ToString("0.0", inv)}×)");
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

    /// <summary>"12.34 Mpps (11.90–12.51)".</summary>
    private static string Rate(Spread s, double scale, string unit)
    {
        var inv = CultureInfo.InvariantCulture;
        return $"{(s.Median / scale).ToString("0.00", inv)} {unit} ({(s.Min / scale).ToString("0.00", inv)}–{(s.Max / scale).ToString("0.00", inv)})";
    }
}
