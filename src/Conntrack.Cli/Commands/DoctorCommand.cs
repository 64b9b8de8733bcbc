using Conntrack.Reporting;
using System.CommandLine;
using Conntrack.Doctor;
using Conntrack.Cli.Output;
using Conntrack.Host;
using Conntrack.Cli.Input;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet doctor</c>: diagnose a host's conntrack table, live or from a snapshot, and say what to change.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var options = new DoctorOptions();
        var command = new Command("doctor", "Diagnose a Linux host's conntrack table (live or a snapshot): verdict, evidence, what fills it, memory, and exactly what to change.");
        options.AddTo(command);
        command.SetAction(parse => parse.GetValue(options.Check)
            ? CliErrors.Guard(() => RunCheck(parse, options), (int)CheckStatus.Unknown)
            : CliErrors.Guard(() => RunReport(parse, options)));
        return command;
    }

    private static int RunReport(ParseResult parse, DoctorOptions options)
    {
        if (parse.GetValue(options.Warning) is not null || parse.GetValue(options.Critical) is not null || parse.GetValue(options.StateFile) is not null)
            throw new UsageException("--warning, --critical and --state-file go with --check");
        var diagnosis = DoctorAnalyzer.Analyze(HostReader.Read(options.ReadOptions(parse)));
        if (parse.GetValue(options.Json))
        {
            using var stdout = Console.OpenStandardOutput();
            DoctorJson.Write(stdout, diagnosis);
            stdout.Write("\n"u8);
            stdout.Flush();
        }
        else
        {
            DoctorTextReport.Render(ReportWriter.CreateConsole(toStderr: false), diagnosis);
        }
        return ExitCodes.Success;
    }

    private static int RunCheck(ParseResult parse, DoctorOptions options)
    {
        if (parse.GetValue(options.Json))
            throw new UsageException("--check prints one line: it does not go with --json");
        var thresholds = CheckThresholds.Parse(parse.GetValue(options.Warning), parse.GetValue(options.Critical));
        return RunCheck(HostReader.Read(options.ReadOptions(parse)), thresholds, parse.GetValue(options.StateFile));
    }

    /// <summary>
    /// The monitoring check: compares the counters with the state file's, prints one line, and stores the
    /// counters for the next check. A snapshot has no state file unless one is named (its counters are not this host's).
    /// </summary>
    private static int RunCheck(HostObservation observation, CheckThresholds thresholds, string? stateFile)
    {
        var diagnosis = DoctorAnalyzer.Analyze(observation);
        string? path = stateFile ?? (observation.Live ? CheckState.DefaultPath(observation.NetnsInode) : null);
        var (previous, noPrevious) = path is null
            ? (null, "snapshot without --state-file: no earlier counters to compare")
            : CheckState.Read(path);
        var result = CheckResult.From(diagnosis, thresholds, previous, noPrevious);
        if (path is not null && result.Counters is CheckCounters counters)
        {
            try
            {
                CheckState.Write(path, counters);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Without the state the next check cannot see new drops: say so, and never report OK.
                result = result with
                {
                    Status = result.Status is CheckStatus.Ok ? CheckStatus.Unknown : result.Status,
                    Text = $"{result.Text}; state file {path} not written: {e.Message}",
                };
            }
        }
        Console.Out.WriteLine(CheckLine.Render(result));
        return (int)result.Status;
    }
}
