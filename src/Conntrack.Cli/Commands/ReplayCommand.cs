using System.CommandLine;
using Conntrack.Analysis.Replay;
using Conntrack.Capture;
using Conntrack.Cli.Output;
using Conntrack.Settings;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet replay FILE</c>: push a capture through the engine and report what the table did.</summary>
internal static class ReplayCommand
{
    // Below this size a replay finishes before a progress bar would be worth drawing.
    private const long ProgressThresholdBytes = 16L << 20;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A pcap or pcapng capture." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the human report." };
        var dump = new Option<string?>("--dump")
        {
            Description = "Print the final table as /proc/net/nf_conntrack (proc) or conntrack -L (conntrack) would; the summary goes to stderr.",
            HelpName = "proc|conntrack",
        };
        dump.AcceptOnlyFromAmong("proc", "conntrack");
        var settingsOptions = new SettingsOptions();

        var command = new Command("replay", "Replay a capture through the connection tracker.") { file, json, dump };
        settingsOptions.AddTo(command);
        command.SetAction(parse => Run(parse.GetRequiredValue(file), parse.GetValue(json), parse.GetValue(dump), () => settingsOptions.Build(parse)));
        return command;
    }

    private static int Run(string path, bool json, string? dump, Func<ConntrackSettings> buildSettings)
    {
        return CliErrors.Guard(() =>
        {
            var settings = buildSettings();
            using var reader = CaptureReader.Open(path);
            bool showProgress = !Console.IsErrorRedirected && reader.Length is > ProgressThresholdBytes;
            var result = showProgress
                ? ProgressDisplay.Run(reader.Name, progress => ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, Progress = progress }))
                : ReplayRunner.Run(reader, new ReplayOptions { Settings = settings });
            ReportWriter.Write(result, settings, json, dump);
            return ExitCodes.Success;
        });
    }
}
