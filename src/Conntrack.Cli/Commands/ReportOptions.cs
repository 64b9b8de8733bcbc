using System.CommandLine;
using Conntrack.Replay.KernelLog;

namespace Conntrack.Cli.Commands;

/// <summary>Options of the simulating commands that shape what is reported, not what is simulated.</summary>
internal sealed class ReportOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object instead of the human report." };

    public Option<string?> Report { get; } = new("--report")
    {
        Description = "Also write a self-contained HTML report (charts, composition, drop evidence) to FILE.",
        HelpName = "FILE",
    };

    public Option<string?> TimelineCsv { get; } = new("--timeline-csv")
    {
        Description = "Also write the timeline (entries, new/s, drops/s, early drops/s) as CSV to FILE.",
        HelpName = "FILE",
    };

    public Option<string> LogStyleOption { get; } = new("--log-style")
    {
        Description = "Kernel log wording and rate limiter: 6.x (default), 3.x, 2.6 (printk: N messages suppressed.), 2.4 (ip_conntrack, NET: N messages suppressed.).",
        DefaultValueFactory = _ => "6.x",
        HelpName = "6.x|3.x|2.6|2.4",
    };

    public Option<long> NetnsInode { get; } = new("--netns-inode")
    {
        Description = "Simulate a table in a network namespace with this inode (6.17+ logs 'table full in netns N').",
    };

    public ReportOptions() => LogStyleOption.AcceptOnlyFromAmong("6.x", "3.x", "2.6", "2.4");

    public void AddTo(Command command)
    {
        command.Add(Json);
        command.Add(Report);
        command.Add(TimelineCsv);
        command.Add(LogStyleOption);
        command.Add(NetnsInode);
    }

    public LogStyle LogStyle(ParseResult parse) => parse.GetValue(LogStyleOption) switch
    {
        "3.x" => Replay.KernelLog.LogStyle.Linux3,
        "2.6" => Replay.KernelLog.LogStyle.Linux26,
        "2.4" => Replay.KernelLog.LogStyle.IpConntrack,
        _ => Replay.KernelLog.LogStyle.Modern,
    };
}
