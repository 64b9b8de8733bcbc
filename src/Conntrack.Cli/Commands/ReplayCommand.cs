using System.CommandLine;
using Conntrack.Replay;
using Conntrack.Capture;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet replay FILE</c>: push a capture through the engine and report what the table did.</summary>
internal static class ReplayCommand
{
    // Below this size a replay finishes before a progress bar (or a second thread) is worth starting.
    private const long ProgressThresholdBytes = 16L << 20;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A pcap or pcapng capture (a regular file or a FIFO, read once)." }
            .ParsedBy((_, path) => InputFile.Require(path, streamOk: true));
        var dump = new Option<string?>("--dump")
        {
            Description = "Print the final table as /proc/net/nf_conntrack (proc) or conntrack -L (conntrack) would; the summary goes to stderr.",
            HelpName = "proc|conntrack",
        }.ParsedBy(ValueParsers.OneOf("proc", "conntrack"));
        var threads = new Option<int?>("--threads")
        {
            Description = "Threads that track (results are identical for any number); default: every core for captures over 16 MiB, else 1.",
            HelpName = "N",
        }.ParsedBy((option, text) => (int)ValueParsers.Whole(1, 64)(option, text));
        var settingsOptions = new SettingsOptions();
        var reportOptions = new ReportOptions();
        var memoryOptions = new MemoryOptions();

        var command = new Command("replay", "Replay a capture through the connection tracker.") { file, dump, threads };
        settingsOptions.AddTo(command);
        reportOptions.AddTo(command);
        memoryOptions.AddTo(command, withBudget: true);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var settings = settingsOptions.Build(parse);
            var profile = memoryOptions.MemoryProfile(parse);
            int allocationLimit = memoryOptions.AllocationLimit(parse);
            using var reader = CaptureReader.Open(parse.GetRequiredValue(file));
            var options = new ReplayOptions
            {
                Settings = settings,
                LogStyle = reportOptions.LogStyle(parse),
                NetnsInode = parse.GetValue(reportOptions.NetnsInode),
                AllocationLimit = allocationLimit,
                Threads = parse.GetValue(threads) ?? (reader.Length is > ProgressThresholdBytes ? Environment.ProcessorCount : 1),
            };
            bool showProgress = !Console.IsErrorRedirected && reader.Length is > ProgressThresholdBytes;
            var result = showProgress
                ? ProgressDisplay.Run(reader.Name, progress => ReplayRunner.Run(reader, options with { Progress = progress }))
                : ReplayRunner.Run(reader, options);
            ReportWriter.Write(result, settings, parse, reportOptions, profile, parse.GetValue(dump));
            return ExitCodes.Success;
        }));
        return command;
    }
}
