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
        var flows = new Option<int>("--flows") { Description = "Flows in the large table, 1000 to 50000000 (default 1,000,000).", DefaultValueFactory = _ => 1_000_000 }
            .ParsedBy((option, text) => (int)ValueParsers.Whole(1000, 50_000_000)(option, text));
        var command = new Command("bench", "Measure packets per second, bytes per flow and allocations on this machine, against a naive Dictionary-based tracker.") { json, flows };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int large = parse.GetValue(flows);
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
            w.WriteNumber("hit_10k_mpps", Math.Round(f.Hit10kMpps, 3));
            w.WriteNumber("hit_1m_mpps", Math.Round(f.Hit1mMpps, 3));
            w.WriteNumber("large_table_flows", f.Flows1m);
            w.WriteNumber("churn_conns_per_s", Math.Round(f.ChurnConnectionsPerSecond));
            w.WriteNumber("table_full_flood_mpps", Math.Round(f.TableFullFloodMpps, 3));
            w.WriteNumber("replay_mpps", Math.Round(f.ReplayMpps, 3));
            w.WriteNumber("replay_all_cores_mpps", Math.Round(f.ReplayAllCoresMpps, 3));
            w.WriteNumber("replay_threads", f.ReplayThreads);
            w.WriteNumber("replay_all_cores_speedup", Math.Round(f.ReplayAllCoresMpps / f.ReplayMpps, 2));
            w.WriteNumber("bytes_per_flow", Math.Round(f.BytesPerFlow, 1));
            w.WriteNumber("allocated_bytes_per_packet", Math.Round(f.AllocatedBytesPerPacket, 4));
            w.WriteNumber("baseline_hit_1m_mpps", Math.Round(f.BaselineHit1mMpps, 3));
            w.WriteNumber("baseline_bytes_per_flow", Math.Round(f.BaselineBytesPerFlow, 1));
            w.WriteNumber("hit_1m_ratio_to_baseline", Math.Round(f.Hit1mMpps / f.BaselineHit1mMpps, 2));
            w.WriteEndObject();
        }
        stdout.Write("\n"u8);
    }

    private static void Render(BenchmarkFigures f)
    {
        var inv = CultureInfo.InvariantCulture;
        var console = ReportWriter.CreateConsole(toStderr: false);
        var table = new SpectreTable().Border(TableBorder.Rounded).Title($"ctnet bench ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        table.AddColumn("workload");
        table.AddColumn(new TableColumn("result").RightAligned());
        table.AddColumn(new TableColumn("naive baseline").RightAligned());
        table.AddRow("hit path, 10k flows", $"{f.Hit10kMpps.ToString("0.00", inv)} Mpps", "");
        table.AddRow($"hit path, {f.Flows1m.ToString("N0", inv)} flows", $"{f.Hit1mMpps.ToString("0.00", inv)} Mpps",
            $"{f.BaselineHit1mMpps.ToString("0.00", inv)} Mpps ({(f.Hit1mMpps / f.BaselineHit1mMpps).ToString("0.0", inv)}×)");
        table.AddRow("connection churn", $"{(f.ChurnConnectionsPerSecond / 1e6).ToString("0.00", inv)} M conns/s", "");
        table.AddRow("SYN flood, full table", $"{f.TableFullFloodMpps.ToString("0.00", inv)} Mpps", "");
        table.AddRow("replay (pcap → table), one core", $"{f.ReplayMpps.ToString("0.00", inv)} Mpps", "");
        table.AddRow($"the same replay, {f.ReplayThreads} threads", $"{f.ReplayAllCoresMpps.ToString("0.00", inv)} Mpps ({(f.ReplayAllCoresMpps / f.ReplayMpps).ToString("0.00", inv)}×)", "");
        table.AddRow("memory per flow", $"{f.BytesPerFlow.ToString("0", inv)} B", $"{f.BaselineBytesPerFlow.ToString("0", inv)} B");
        table.AddRow("allocated per packet", $"{f.AllocatedBytesPerPacket.ToString("0.####", inv)} B", "");
        console.Write(table);
    }
}
