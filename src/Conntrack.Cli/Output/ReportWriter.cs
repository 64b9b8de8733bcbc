using System.CommandLine;
using Conntrack.Replay.Memory;
using Conntrack.Replay;
using Conntrack.Replay.Planning;
using Conntrack.Capture;
using Conntrack.Cli.Commands;
using Conntrack.Reporting;
using Conntrack.Formats;
using Conntrack.Settings;
using Spectre.Console;

namespace Conntrack.Cli.Output;

/// <summary>Chooses where each part of a replay's output goes: with --dump, stdout carries only the table.</summary>
internal static class ReportWriter
{
    /// <summary>
    /// The summary (and the dump) first, then the files: a file that cannot be written after the
    /// replay (disk full) costs only itself, never what was computed.
    /// <paramref name="reopen"/> opens the capture again for the HTML report's plan; null when it cannot be reread (a pipe).
    /// </summary>
    public static void Write(ReplayResult result, ConntrackSettings settings, ParseResult parse, ReportOptions options, MemoryProfile profile, string? dump, Func<CaptureReader>? reopen)
    {
        bool json = parse.GetValue(options.Json);
        var summaryStream = dump is null ? Console.OpenStandardOutput() : Console.OpenStandardError();
        if (dump is not null)
            WriteDump(result, settings, dump);
        if (json)
        {
            ReplayJson.Write(summaryStream, result, settings, profile: profile);
            summaryStream.Write("\n"u8);
            summaryStream.Flush();
        }
        else
        {
            ReplayTextReport.Render(CreateConsole(toStderr: dump is not null), result, settings, profile);
        }
        if (parse.GetValue(options.Report) is { } reportPath)
        {
            var plan = reopen is null ? null : CapacityPlanner.Plan(reopen, settings, HtmlReport.PlanHeadroom, profile);
            WriteFile(options.Report.Name, reportPath, file => HtmlReport.Write(file, result, settings, profile, plan));
        }
        if (parse.GetValue(options.TimelineCsv) is { } csvPath)
        {
            WriteFile(options.TimelineCsv.Name, csvPath, file =>
            {
                using var csv = new StreamWriter(file);
                TimelineCsv.Write(csv, result.Timeline, result.Table.Max);
            });
        }
    }

    /// <summary>Writes a file named by <paramref name="option"/>; a failure becomes an <see cref="OutputFailedException"/> naming both.</summary>
    public static void WriteFile(string option, string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
            write(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFailedException($"{option} '{path}': could not write the file: {e.Message}", e);
        }
    }

    /// <summary>A console that writes plain text (no colours, 100 columns, no trailing blanks) when redirected, as a pipe or a file wants.</summary>
    public static IAnsiConsole CreateConsole(bool toStderr)
    {
        bool redirected = toStderr ? Console.IsErrorRedirected : Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // Spectre pads grid cells to the column width; in a file that is only trailing blanks.
            Out = new AnsiConsoleOutput(redirected ? new TrailingBlankTrimmer(toStderr ? Console.Error : Console.Out) : toStderr ? Console.Error : Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected)
            console.Profile.Width = 100;
        return console;
    }

    private static void WriteDump(ReplayResult result, ConntrackSettings settings, string format)
    {
        using var stdout = new StreamWriter(Console.OpenStandardOutput()) { NewLine = "\n", AutoFlush = false };
        foreach (var entry in result.FinalEntries)
        {
            stdout.WriteLine(format == "proc"
                ? EntryFormatter.ProcLine(entry, result.LastTimestamp, settings)
                : EntryFormatter.ConntrackLine(entry, result.LastTimestamp, settings));
        }
        stdout.Flush();
    }
}
