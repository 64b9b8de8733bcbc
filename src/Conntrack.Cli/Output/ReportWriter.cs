using System.CommandLine;
using Conntrack.Replay.Memory;
using Conntrack.Replay;
using Conntrack.Cli.Commands;
using Conntrack.Reporting;
using Conntrack.Formats;
using Conntrack.Settings;
using Spectre.Console;

namespace Conntrack.Cli.Output;

/// <summary>Chooses where each part of a replay's output goes: with --dump, stdout carries only the table.</summary>
internal static class ReportWriter
{
    public static void Write(ReplayResult result, ConntrackSettings settings, ParseResult parse, ReportOptions options, MemoryProfile profile, string? dump)
    {
        if (parse.GetValue(options.Report) is { } reportPath)
        {
            using var file = new FileStream(reportPath, FileMode.Create, FileAccess.Write);
            HtmlReport.Write(file, result, settings, profile);
        }
        if (parse.GetValue(options.TimelineCsv) is { } csvPath)
        {
            using var csv = new StreamWriter(csvPath);
            TimelineCsv.Write(csv, result.Timeline, result.Table.Max);
        }
        bool json = parse.GetValue(options.Json);
        var summaryStream = dump is null ? Console.OpenStandardOutput() : Console.OpenStandardError();
        if (dump is not null)
            WriteDump(result, settings, dump);
        if (json)
        {
            ReplayJson.Write(summaryStream, result, settings, profile: profile);
            summaryStream.Write("\n"u8);
            summaryStream.Flush();
            return;
        }
        ReplayTextReport.Render(CreateConsole(toStderr: dump is not null), result, settings, profile);
    }

    /// <summary>A console that writes plain text (no colours, 100 columns) when redirected, as a pipe or a file wants.</summary>
    public static IAnsiConsole CreateConsole(bool toStderr)
    {
        bool redirected = toStderr ? Console.IsErrorRedirected : Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(toStderr ? Console.Error : Console.Out),
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
