using System.CommandLine;
using System.Globalization;
using Conntrack.Replay;
using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Cli.Output;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet demo</c>: generate a built-in scenario in memory, replay it, and print the report.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var seed = new Option<int?>("--seed") { Description = "Seed of the generated traffic (default 1).", HelpName = "N" };
        var settingsOptions = new SettingsOptions();
        var reportOptions = new ReportOptions();
        var memoryOptions = new MemoryOptions();
        var runOptions = new ReplayRunOptions();
        var command = new Command("demo", "Replay a built-in scenario: a web server, DNS clients, pings and a SYN flood against a small table.") { seed };
        runOptions.AddTo(command);
        settingsOptions.AddTo(command);
        reportOptions.AddTo(command);
        memoryOptions.AddTo(command, withBudget: true);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var settings = settingsOptions.Build(parse, ScenarioCatalog.DemoSettings());
            var profile = memoryOptions.MemoryProfile(parse);
            int allocationLimit = memoryOptions.AllocationLimit(parse);
            int seedValue = parse.GetValue(seed) ?? 1;
            using var capture = new MemoryStream();
            ScenarioCatalog.Generate(capture, "demo", seedValue);
            byte[] bytes = capture.ToArray();
            string name = $"demo scenario, seed {seedValue.ToString(CultureInfo.InvariantCulture)}";
            CaptureReader Open() => CaptureReader.Open(new MemoryStream(bytes, writable: false), name);
            using var reader = Open();
            var result = ReplayRunner.Run(reader, new ReplayOptions
            {
                Settings = settings,
                LogStyle = reportOptions.LogStyle(parse),
                NetnsInode = parse.GetValue(reportOptions.NetnsInode),
                AllocationLimit = allocationLimit,
                Threads = runOptions.ThreadsFor(parse, bytes.Length),
                HashSeed = runOptions.HashSeedOf(parse),
            });
            ReportWriter.Write(result, settings, parse, reportOptions, profile, parse.GetValue(runOptions.Dump), Open);
            return ExitCodes.Success;
        }));
        return command;
    }
}
