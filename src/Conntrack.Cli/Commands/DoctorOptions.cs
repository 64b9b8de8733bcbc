using System.CommandLine;
using Conntrack.Cli.Input;
using Conntrack.Host;

namespace Conntrack.Cli.Commands;

/// <summary>The options of <c>ctnet doctor</c>: what to read, how to report, and the monitoring check's thresholds.</summary>
internal sealed class DoctorOptions
{
    public Option<string?> Root { get; } = new("--root")
    {
        Description = "Read a snapshot: a directory holding the host's files at their relative paths (proc/…, sys/…, var/log/…, dmesg.txt). Default: this machine.",
        HelpName = "DIR",
    };

    public Option<string?> Table { get; } = new("--table")
    {
        Description = "Read the table from this file instead of /proc/net/nf_conntrack: /proc/net/nf_conntrack or ip_conntrack format, or saved conntrack -L [-o extended] output.",
        HelpName = "FILE",
    };

    public Option<string[]> Logs { get; } = new("--log")
    {
        Description = "Also read this kernel log (dmesg, kern.log, messages, syslog or journalctl -k output). Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "FILE",
    };

    public Option<string?> Stats { get; } = new("--stats")
    {
        Description = "Read the counters from this file instead of /proc/net/stat/nf_conntrack (that format or conntrack -S output).",
        HelpName = "FILE",
    };

    public Option<int?> PageSize { get; } = new Option<int?>("--page-size")
    {
        Description = "Page size for slab arithmetic (default: this machine's when live, 4096 for a snapshot).",
        HelpName = "BYTES",
    }.ParsedBy(ValueParsers.PageSize);

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object instead of the human report." };

    public Option<bool> Check { get; } = new("--check")
    {
        Description = "Monitoring check (cron, Nagios, Icinga, Sensu): one line 'CONNTRACK STATUS - text | perfdata', exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for usage errors). Critical on any drop or insert_failed since the last check.",
    };

    public Option<string?> Warning { get; } = new("--warning", "-w")
    {
        Description = "With --check: WARNING at or above this percentage of nf_conntrack_max (default 75).",
        HelpName = "PERCENT",
    };

    public Option<string?> Critical { get; } = new("--critical", "-c")
    {
        Description = "With --check: CRITICAL at or above this percentage of nf_conntrack_max (default 90).",
        HelpName = "PERCENT",
    };

    public Option<string?> StateFile { get; } = new("--state-file")
    {
        Description = "With --check: where the last check's counters are kept (default: /var/lib/ctnet as root, else $XDG_STATE_HOME/ctnet, one file per network namespace; none for a snapshot).",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Root, Table, Logs, Stats, PageSize, Json, Check, Warning, Critical, StateFile })
            command.Add(option);
    }

    public HostReadOptions ReadOptions(ParseResult parse) => new()
    {
        Root = parse.GetValue(Root),
        TablePath = parse.GetValue(Table),
        LogPaths = parse.GetValue(Logs) ?? [],
        StatsPath = parse.GetValue(Stats),
        PageSize = parse.GetValue(PageSize),
    };
}
