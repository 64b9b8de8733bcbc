using System.CommandLine;
using System.Globalization;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;
using Conntrack.Replay.Scenarios;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet gen SCENARIO --out FILE</c>: write a deterministic generated capture.</summary>
internal static class GenCommand
{
    private const long Second = 1_000_000_000;

    public static Command Create()
    {
        var scenario = new Argument<string>("SCENARIO")
        {
            Description = "One of: " + string.Join(", ", ScenarioCatalog.All.Select(s => $"{s.Name} ({s.Description})")),
        }.ParsedBy(ValueParsers.OneOf([.. ScenarioCatalog.All.Select(s => s.Name)]));
        var output = new Option<string>("--out") { Description = "Capture file to write (pcap, nanosecond timestamps, Ethernet).", Required = true, HelpName = "FILE" }
            .ParsedBy(OutputFile.Require);
        var seed = new Option<int?>("--seed") { Description = "Seed: the same seed writes the same file (default 1).", HelpName = "N" };
        var rate = new Option<double?>("--rate") { Description = $"New flows per second (scenario default when omitted; at most {ScenarioCatalog.MaxRate:0}, and rate × duration at most {ScenarioCatalog.MaxFlows:0} flows).", HelpName = "N" }
            .ParsedBy(ValueParsers.Positive(ScenarioCatalog.MaxRate, "flows per second"));
        var duration = new Option<long?>("--duration") { Description = "Length of the capture: 90s, 10m, 2h, 1d (default 60s).", HelpName = "LENGTH" }
            .ParsedBy(ValueParsers.Duration(ScenarioCatalog.MaxDuration));
        var clients = new Option<int?>("--clients") { Description = $"Number of client hosts (scenario default when omitted; at most {ScenarioCatalog.MaxClients}).", HelpName = "N" }
            .ParsedBy((option, text) => (int)ValueParsers.Whole(1, ScenarioCatalog.MaxClients)(option, text));
        var command = new Command("gen", "Generate realistic, deterministic traffic as a pcap.") { scenario, output, seed, rate, duration, clients };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string name = parse.GetRequiredValue(scenario);
            double? flowsPerSecond = parse.GetValue(rate);
            int? hosts = parse.GetValue(clients);
            long length = parse.GetValue(duration) ?? 60 * Second;
            CheckScenarioTakes(name, flowsPerSecond, hosts, length);
            string path = parse.GetRequiredValue(output);
            long packets = 0, bytes = 0;
            ReportWriter.WriteFile(output.Name, path, file =>
            {
                packets = ScenarioCatalog.Generate(file, name, parse.GetValue(seed) ?? 1, flowsPerSecond, hosts, length);
                bytes = file.Length;
            });
            Console.Error.WriteLine($"ctnet: wrote {packets.ToString("N0", CultureInfo.InvariantCulture)} packets ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes) to {OneLine.Of(path)}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Refuses what the scenario would ignore or what would outgrow <see cref="ScenarioCatalog.MaxFlows"/>, before a byte is written.</summary>
    private static void CheckScenarioTakes(string name, double? rate, int? clients, long duration)
    {
        var takes = ScenarioCatalog.Parameters(name);
        if (rate is not null && !takes.Rate)
            throw new UsageException($"--rate: scenario '{name}' has no arrival rate to set");
        if (clients is not null && !takes.Clients)
            throw new UsageException($"--clients: scenario '{name}' has no client hosts to set");
        var defaults = ScenarioCatalog.All.First(s => s.Name == name);
        double flows = ScenarioCatalog.ExpectedFlows(name, rate ?? defaults.Rate, clients ?? defaults.Clients, duration);
        if (flows > ScenarioCatalog.MaxFlows)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"gen {name}: {flows:N0} flows (rate × duration) would be generated: expected at most {ScenarioCatalog.MaxFlows:N0}; lower --rate or --duration"));
        }
    }
}
