using System.CommandLine;
using Conntrack.Replay;
using Conntrack.Capture;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;
using Conntrack.Host.Files;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet replay FILE</c>: push a capture through the engine and report what the table did.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A pcap or pcapng capture (a regular file or a FIFO, read once)." }
            .ParsedBy((_, path) => InputFile.Require(path, streamOk: true));
        var runOptions = new ReplayRunOptions();
        var settingsOptions = new SettingsOptions();
        var reportOptions = new ReportOptions();
        var memoryOptions = new MemoryOptions();

        var command = new Command("replay", "Replay a capture through the connection tracker.") { file };
        runOptions.AddTo(command);
        settingsOptions.AddTo(command);
        reportOptions.AddTo(command);
        memoryOptions.AddTo(command, withBudget: true);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var settings = settingsOptions.Build(parse);
            var profile = memoryOptions.MemoryProfile(parse);
            int allocationLimit = memoryOptions.AllocationLimit(parse);
            string path = parse.GetRequiredValue(file);
            using var reader = CaptureReader.Open(path);
            var options = new ReplayOptions
            {
                Settings = settings,
                LogStyle = reportOptions.LogStyle(parse),
                NetnsInode = parse.GetValue(reportOptions.NetnsInode),
                AllocationLimit = allocationLimit,
                Threads = runOptions.ThreadsFor(parse, reader.Length),
            };
            bool showProgress = !Console.IsErrorRedirected && reader.Length is > ReplayRunOptions.ProgressThresholdBytes;
            var result = showProgress
                ? ProgressDisplay.Run(reader.Name, progress => ReplayRunner.Run(reader, options with { Progress = progress }))
                : ReplayRunner.Run(reader, options);
            // The HTML report carries a plan, which replays the capture again: only a regular file can be reread.
            Func<CaptureReader>? reopen = PathKind.Of(path) == FileKind.Regular ? () => CaptureReader.Open(path) : null;
            ReportWriter.Write(result, settings, parse, reportOptions, profile, parse.GetValue(runOptions.Dump), reopen);
            return ExitCodes.Success;
        }));
        return command;
    }
}
