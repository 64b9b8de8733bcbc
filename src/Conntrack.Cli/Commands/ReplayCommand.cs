using System.CommandLine;
using System.Globalization;
using Conntrack.Capture;
using Conntrack.Replay;
using Conntrack.Cli.Input;
using Conntrack.Cli.Output;
using Conntrack.Host.Files;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet replay FILE</c>: push a capture through the engine and report what the table did.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A pcap or pcapng capture (a regular file or a FIFO, read once), or - for standard input." }
            .ParsedBy((_, path) => InputFile.Require(path, streamOk: true));
        var runOptions = new ReplayRunOptions();
        var view = new Option<string?>("--view")
        {
            Description = "Where the capture was taken: router (every packet arrives from a wire) or host (the host's own and loopback packets are tracked as sent); default: chosen from the capture.",
            HelpName = "router|host",
        }.ParsedBy(ValueParsers.OneOf("router", "host"));
        var settingsOptions = new SettingsOptions();
        var reportOptions = new ReportOptions();
        var memoryOptions = new MemoryOptions();

        var command = new Command("replay", "Replay a capture through the connection tracker.") { file, view };
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
            using var reader = InputFile.Open(path);
            var options = new ReplayOptions
            {
                Settings = settings,
                LogStyle = reportOptions.LogStyle(parse),
                NetnsInode = parse.GetValue(reportOptions.NetnsInode),
                AllocationLimit = allocationLimit,
                Threads = runOptions.ThreadsFor(parse, reader.Length),
                HashSeed = runOptions.HashSeedOf(parse),
                View = parse.GetValue(view) switch
                {
                    "router" => CaptureView.Router,
                    "host" => CaptureView.Host,
                    _ => null,
                },
                // A pipe may grow for hours (tcpdump -w -): say where the replay stands as it goes.
                Status = reader.Length is null ? WriteStatus : null,
            };
            bool showProgress = !Console.IsErrorRedirected && reader.Length is > ReplayRunOptions.ProgressThresholdBytes;
            var result = showProgress
                ? ProgressDisplay.Run(reader.Name, reader.Length!.Value, progress => ReplayRunner.Run(reader, options with { Progress = progress }))
                : ReplayRunner.Run(reader, options);
            // The HTML report carries a plan, which replays the capture again: only a regular file can be reread.
            Func<CaptureReader>? reopen = PathKind.Of(path) == FileKind.Regular ? () => CaptureReader.Open(path) : null;
            ReportWriter.Write(result, settings, parse, reportOptions, profile, parse.GetValue(runOptions.Dump), reopen);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>"ctnet: capture 0:00:05: 12 entries (max 262,144), 2.4 new/s, 0 drops".</summary>
    private static void WriteStatus(ReplayStatus s)
    {
        var time = TimeSpan.FromSeconds(Math.Floor(s.CaptureSeconds));
        string max = s.Max > 0 ? s.Max.ToString("N0", CultureInfo.InvariantCulture) : "no limit";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ctnet: capture {(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}: {s.Entries:N0} entries (max {max}), {s.NewPerSecond:0.#} new/s, {s.Drops:N0} drops"));
    }
}
