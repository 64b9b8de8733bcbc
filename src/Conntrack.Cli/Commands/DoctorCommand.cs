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
        var root = new Option<string?>("--root")
        {
            Description = "Read a snapshot: a directory holding the host's files at their relative paths (proc/…, sys/…, var/log/…, dmesg.txt). Default: this machine.",
            HelpName = "DIR",
        };
        var table = new Option<string?>("--table")
        {
            Description = "Read the table from this file instead of /proc/net/nf_conntrack: /proc/net/nf_conntrack or ip_conntrack format, or saved conntrack -L [-o extended] output.",
            HelpName = "FILE",
        };
        var logs = new Option<string[]>("--log")
        {
            Description = "Also read this kernel log (dmesg, kern.log, messages, syslog or journalctl -k output). Repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            HelpName = "FILE",
        };
        var stats = new Option<string?>("--stats")
        {
            Description = "Read the counters from this file instead of /proc/net/stat/nf_conntrack (that format or conntrack -S output).",
            HelpName = "FILE",
        };
        var pageSize = new Option<int?>("--page-size")
        {
            Description = "Page size for slab arithmetic (default: this machine's when live, 4096 for a snapshot).",
            HelpName = "BYTES",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the human report." };
        var check = new Option<bool>("--check")
        {
            Description = "Monitoring check (cron, Nagios, Icinga, Sensu): one line 'CONNTRACK STATUS - text | perfdata', exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for usage errors). Critical on any drop or insert_failed since the last check.",
        };
        var warning = new Option<string?>("--warning", "-w")
        {
            Description = "With --check: WARNING at or above this percentage of nf_conntrack_max (default 75).",
            HelpName = "PERCENT",
        };
        var critical = new Option<string?>("--critical", "-c")
        {
            Description = "With --check: CRITICAL at or above this percentage of nf_conntrack_max (default 90).",
            HelpName = "PERCENT",
        };
        var stateFile = new Option<string?>("--state-file")
        {
            Description = "With --check: where the last check's counters are kept (default: /var/lib/ctnet as root, else $XDG_STATE_HOME/ctnet, one file per network namespace; none for a snapshot).",
            HelpName = "FILE",
        };
        var command = new Command("doctor", "Diagnose a Linux host's conntrack table (live or a snapshot): verdict, evidence, what fills it, memory, and exactly what to change.")
        {
            root, table, logs, stats, pageSize, json, check, warning, critical, stateFile,
        };
        HostObservation Read(ParseResult parse)
        {
            int? page = parse.GetValue(pageSize);
            if (page is int p && (p < 512 || (p & (p - 1)) != 0))
                throw new IOException($"--page-size {p}: expected a power of two of at least 512");
            return HostReader.Read(new HostReadOptions
            {
                Root = parse.GetValue(root),
                TablePath = parse.GetValue(table),
                LogPaths = parse.GetValue(logs) ?? [],
                StatsPath = parse.GetValue(stats),
                PageSize = page,
            });
        }
        command.SetAction(parse => parse.GetValue(check)
            ? CliErrors.Guard(() =>
            {
                if (parse.GetValue(json))
                    throw new UsageException("--check prints one line: it does not go with --json");
                var thresholds = CheckThresholds.Parse(parse.GetValue(warning), parse.GetValue(critical));
                return RunCheck(Read(parse), thresholds, parse.GetValue(stateFile));
            }, (int)CheckStatus.Unknown)
            : CliErrors.Guard(() =>
            {
                if (parse.GetValue(warning) is not null || parse.GetValue(critical) is not null || parse.GetValue(stateFile) is not null)
                    throw new UsageException("--warning, --critical and --state-file go with --check");
                var diagnosis = DoctorAnalyzer.Analyze(Read(parse));
                if (parse.GetValue(json))
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
            }));
        return command;
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
