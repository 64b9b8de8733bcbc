using Conntrack.Host.Counters;
using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;
using Conntrack.Host.Resources;
using Conntrack.Host.Tables;
using Conntrack.Settings;

namespace Conntrack.Fuzz;

/// <summary>
/// Target (c): the doctor's parsers of what a host shows. Every parser reads the same input (any
/// of them may meet any file in a broken snapshot): the table (/proc/net/nf_conntrack and conntrack
/// -L lines), the counters (/proc/net/stat/nf_conntrack), /proc/slabinfo, /proc/meminfo and a
/// kernel log. None of them throws on content; they report issues.
/// </summary>
internal static class HostParsersTarget
{
    private const string Label = "fuzz-input";

    public static void Run(byte[] input)
    {
        var issues = new ParseIssueLog();
        var table = TableReader.Read(Open(input), Label, new ConntrackSettings(), issues);
        _ = table.Format;
        CounterParser.Read(Open(input), Label, issues);
        SlabInfo.Read(Open(input), Label, pageSize: 4096, issues);
        MemInfo.Read(Open(input), Label, issues);
        KernelLogParser.Read(Open(input), Label, index: 0, issues);
        foreach (var issue in issues.Kept)
            _ = issue.ToString();
    }

    private static MemoryStream Open(byte[] input) => new(input, writable: false);
}
