using System.CommandLine;
using Conntrack.Cli.Input;
using Conntrack.Replay.KernelLog;

namespace Conntrack.Cli.Commands;

/// <summary>Options of the simulating commands that shape what is reported, not what is simulated.</summary>
internal sealed class ReportOptions
{
    private static readonly Dictionary<string, LogStyle> Styles = new(StringComparer.Ordinal)
    {
        ["6.x"] = Replay.KernelLog.LogStyle.Modern,
        ["3.x"] = Replay.KernelLog.LogStyle.Linux3,
        ["2.6"] = Replay.KernelLog.LogStyle.Linux26,
        ["2.4"] = Replay.KernelLog.LogStyle.IpConntrack,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object instead of the human report." };

    public Option<string?> Report { get; } = new Option<string?>("--report")
    {
        Description = "Also write a self-contained HTML report (charts, composition, drop evidence) to FILE.",
        HelpName = "FILE",
    }.ParsedBy(OutputFile.Require);

    public Option<string?> TimelineCsv { get; } = new Option<string?>("--timeline-csv")
    {
        Description = "Also write the timeline (entries, new/s, drops/s, early drops/s) as CSV to FILE.",
        HelpName = "FILE",
    }.ParsedBy(OutputFile.Require);

    public Option<LogStyle?> LogStyleOption { get; } = new Option<LogStyle?>("--log-style")
    {
        Description = "Kernel log wording and rate limiter: 6.x (default), 3.x, 2.6 (printk: N messages suppressed.), 2.4 (ip_conntrack, NET: N messages suppressed.).",
        HelpName = "6.x|3.x|2.6|2.4",
    }.ParsedBy((option, text) => Styles[ValueParsers.OneOf([.. Styles.Keys])(option, text)]);

    public Option<long> NetnsInode { get; } = new Option<long>("--netns-inode")
    {
        Description = "Simulate a table in a network namespace with this inode (6.17+ logs 'table full in netns N').",
        HelpName = "INODE",
    }.ParsedBy(ValueParsers.Whole(0, uint.MaxValue));

    public void AddTo(Command command)
    {
        command.Add(Json);
        command.Add(Report);
        command.Add(TimelineCsv);
        command.Add(LogStyleOption);
        command.Add(NetnsInode);
    }

    public LogStyle LogStyle(ParseResult parse) => parse.GetValue(LogStyleOption) ?? Replay.KernelLog.LogStyle.Modern;
}
