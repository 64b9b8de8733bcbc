using System.CommandLine;
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
        var seed = new Option<int>("--seed") { Description = "Seed of the generated traffic.", DefaultValueFactory = _ => 1 };
        var settingsOptions = new SettingsOptions();
        var reportOptions = new ReportOptions();
        var memoryOptions = new MemoryOptions();
        var command = new Command("demo", "Replay a built-in scenario: a web server, DNS clients, pings and a SYN flood against a small table.") { seed };
        settingsOptions.AddTo(command);
        reportOptions.AddTo(command);
        memoryOptions.AddTo(command, withBudget: true);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var settings = settingsOptions.Build(parse, ScenarioCatalog.DemoSettings());
            var profile = memoryOptions.MemoryProfile(parse);
            int allocationLimit = memoryOptions.AllocationLimit(parse);
            using var capture = new MemoryStream();
            ScenarioCatalog.Generate(capture, "demo", parse.GetValue(seed));
            capture.Position = 0;
            using var reader = CaptureReader.Open(capture, "demo (generated)");
            var result = ReplayRunner.Run(reader, new ReplayOptions
            {
                Settings = settings,
                LogStyle = reportOptions.LogStyle(parse),
                NetnsInode = parse.GetValue(reportOptions.NetnsInode),
                AllocationLimit = allocationLimit,
            });
            ReportWriter.Write(result, settings, parse, reportOptions, profile, dump: null);
            return ExitCodes.Success;
        }));
        return command;
    }
}
