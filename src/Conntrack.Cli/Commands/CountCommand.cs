using System.CommandLine;
using System.Globalization;
using System.Text;
using Conntrack.Cli.Input;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;

namespace Conntrack.Cli.Commands;

/// <summary>
/// <c>ctnet count</c>: the number of entries (<c>conntrack -C</c>), or with a filter the number that match,
/// or with <c>--by</c> the groups that fill the table, largest first, in one streaming pass.
/// </summary>
internal static class CountCommand
{
    private static readonly (string Name, GroupBy Key)[] Keys =
    [
        ("state", GroupBy.State), ("proto", GroupBy.Proto), ("src", GroupBy.Src), ("dst", GroupBy.Dst),
        ("dport", GroupBy.Dport), ("zone", GroupBy.Zone), ("mark", GroupBy.Mark),
    ];

    public static Command Create()
    {
        var filter = new TableFilterOptions();
        var netns = new KernelTableOptions(events: false).Netns;
        var by = new Option<GroupBy?>("--by")
        {
            Description = "Count per group instead: state, proto, src, dst, dport, zone, mark, combined with commas (--by state,proto).",
            HelpName = "KEYS",
        }.ParsedBy(ParseKeys);
        var top = new Option<int>("--top")
        {
            Description = "With --by: print the N largest groups (default 20; 0 = all).",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
        }.ParsedBy((name, text) => (int)ValueParsers.Whole(0, 10_000_000)(name, text));
        var json = new Option<bool>("--json") { Description = "With --by: one JSON object per group ({\"count\":N, \"state\":…})." };
        var command = new Command("count", "Count the kernel's conntrack entries (conntrack -C); with filters, those that match; with --by, per group, largest first.");
        filter.AddTo(command);
        foreach (Option option in new Option[] { netns, by, top, json })
            command.Add(option);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var entryFilter = filter.Build(parse);
            GroupBy? groupBy = parse.GetValue(by);
            if (groupBy is null && (parse.GetResult(top) is { Implicit: false } || parse.GetValue(json)))
                throw new UsageException("--top and --json go with --by");
            using var client = ConntrackClient.Open(NetnsParser.Parse(parse.GetValue(netns)));
            if (groupBy is { } keys)
                return PrintGroups(Group(client, entryFilter, keys), parse.GetValue(top), parse.GetValue(json));
            long count = entryFilter.IsEmpty ? client.Count().Entries : CountMatching(client, entryFilter);
            Console.Out.WriteLine(count.ToString(CultureInfo.InvariantCulture));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static GroupBy ParseKeys(string option, string text)
    {
        var keys = GroupBy.None;
        foreach (string part in text.Split(','))
        {
            int i = Array.FindIndex(Keys, k => k.Name == part.Trim());
            if (i < 0)
                throw UsageException.For(option, text, "keys separated by commas from " + string.Join(", ", Keys.Select(k => k.Name)));
            keys |= Keys[i].Key;
        }
        return keys;
    }

    private static long CountMatching(ConntrackClient client, EntryFilter filter)
    {
        var matcher = new EntryMatcher(filter);
        long count = 0;
        client.Dump(KernelDump.Request(filter), (in KernelEntry e) =>
        {
            if (matcher.Matches(e))
                count++;
        });
        return count;
    }

    private static EntryGroups Group(ConntrackClient client, EntryFilter filter, GroupBy keys)
    {
        var matcher = new EntryMatcher(filter);
        var groups = new EntryGroups(keys);
        client.Dump(KernelDump.Request(filter), (in KernelEntry e) =>
        {
            if (matcher.Matches(e))
                groups.Add(e);
        });
        return groups;
    }

    /// <summary>Aligned columns (COUNT first) or JSON lines; the totals on stderr like conntrack's trailer.</summary>
    private static int PrintGroups(EntryGroups groups, int top, bool json)
    {
        var rows = groups.Largest(top);
        var text = new StringBuilder();
        if (json)
        {
            foreach (var (key, count) in rows)
                text.Append(GroupJson(groups, key, count)).Append('\n');
        }
        else
        {
            var table = rows.Select(r => groups.Columns(r.Key).Select(c => c.Value).Prepend(r.Count.ToString(CultureInfo.InvariantCulture)).ToArray()).ToList();
            var header = groups.Columns(default).Select(c => c.Name.ToUpperInvariant()).Prepend("COUNT").ToArray();
            table.Insert(0, header);
            int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => table.Max(r => r[i].Length))];
            foreach (var row in table)
                text.Append(string.Join("  ", row.Select((v, i) => i == 0 ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }
        Console.Out.Write(text.ToString());
        Console.Out.Flush();
        string shown = rows.Count < groups.Count ? $", the {rows.Count} largest shown" : "";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ConntrackSummary.Tag}{groups.Total} flow entries in {groups.Count} groups{shown}."));
        return ExitCodes.Success;
    }

    private static string GroupJson(EntryGroups groups, EntryGroups.GroupKey key, long count)
    {
        var fields = groups.Columns(key).Select(c => c.Name is "dport" or "zone" or "mark"
            ? $"\"{c.Name}\":{c.Value}"
            : $"\"{c.Name}\":{System.Text.Json.JsonSerializer.Serialize(c.Value)}");
        return string.Create(CultureInfo.InvariantCulture, $"{{\"count\":{count}{string.Concat(fields.Select(f => "," + f))}}}");
    }
}
