using Conntrack.Reporting;
using System.CommandLine;
using Conntrack.Doctor;
using Conntrack.Cli.Output;
using Conntrack.Host;

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
        var command = new Command("doctor", "Diagnose a Linux host's conntrack table (live or a snapshot): verdict, evidence, what fills it, memory, and exactly what to change.")
        {
            root, table, logs, stats, pageSize, json,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            int? page = parse.GetValue(pageSize);
            if (page is int p && (p < 512 || (p & (p - 1)) != 0))
                throw new IOException($"--page-size {p}: expected a power of two of at least 512");
            var observation = HostReader.Read(new HostReadOptions
            {
                Root = parse.GetValue(root),
                TablePath = parse.GetValue(table),
                LogPaths = parse.GetValue(logs) ?? [],
                StatsPath = parse.GetValue(stats),
                PageSize = page,
            });
            var diagnosis = DoctorAnalyzer.Analyze(observation);
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
}
