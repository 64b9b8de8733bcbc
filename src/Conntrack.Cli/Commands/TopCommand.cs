using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Conntrack.Cli.Input;
using Conntrack.Cli.Top;
using Conntrack.Monitor;
using Conntrack.Monitor.Top;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet top</c>: a live terminal view of what fills the table, grouped or one row per entry; read-only unless --allow-delete.</summary>
internal static class TopCommand
{
    private const long Day = 86_400_000_000_000;
    private static readonly TimeSpan OnceTimeout = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var netns = new Option<string[]>("--netns")
        {
            Description = "Namespaces to watch: names from /run/netns (ip netns list), or all (every named namespace and every process's). Default: the one ctnet runs in.",
            HelpName = "all|NAME",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var interval = new Option<long>("--interval")
        {
            Description = "How often the view is refreshed (default 1s).",
            HelpName = "DURATION",
            DefaultValueFactory = _ => 1_000_000_000,
        }.ParsedBy(ValueParsers.Duration(Day));
        var group = new Option<TopGrouping>("--group")
        {
            Description = "Group entries by src, dst, dport, state (protocol × state), netns, zone or mark (default src; g cycles).",
            HelpName = "KEY",
            DefaultValueFactory = _ => TopGrouping.Source,
        }.ParsedBy((name, text) => TopGroupings.Parse(text) ?? throw UsageException.For(name, text, "src, dst, dport, state, netns, zone or mark"));
        var list = new Option<bool>("--list") { Description = "One row per entry, like iptstate, instead of groups (l toggles)." };
        var sort = new Option<TopColumn>("--sort")
        {
            Description = "The list's sort column: source, destination, protocol, state, ttl, packets or bytes (default ttl; b cycles).",
            HelpName = "COLUMN",
            DefaultValueFactory = _ => TopColumn.Ttl,
        }.ParsedBy(Column);
        var reverse = new Option<bool>("--reverse") { Description = "Smallest groups first; the list ascending (r toggles)." };
        var rows = new Option<long>("--rows")
        {
            Description = "Rows printed by --once (default 20; the live view fits the terminal).",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
        }.ParsedBy(ValueParsers.Whole(1, 10_000));
        var once = new Option<bool>("--once") { Description = "Print one frame (after two snapshots, so rates exist) and exit." };
        var json = new Option<bool>("--json") { Description = "With --once: the frame as one JSON object." };
        var allowDelete = new Option<bool>("--allow-delete") { Description = "Let d delete the highlighted entry or group, after a y/N confirmation." };
        var filter = new TableFilterOptions();
        var command = new Command("top", "A live terminal view of the conntrack table: count against max, rates, drops, forecast, the doctor's verdict, and what fills it, grouped or one row per entry.")
        {
            netns, interval, group, list, sort, reverse, rows, once, json, allowDelete,
        };
        filter.AddTo(command);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string[] names = parse.GetValue(netns) ?? [];
            bool printOnce = parse.GetValue(once);
            var options = new MonitorOptions
            {
                Namespaces = ServeCommand.Namespaces(names),
                AllNamespaces = names.Contains("all", StringComparer.Ordinal),
                Interval = ServeCommand.FromNanoseconds(parse.GetRequiredValue(interval)),
            };
            var entryFilter = filter.Build(parse);
            var query = new TopQuery
            {
                Grouping = parse.GetRequiredValue(group),
                ListEntries = parse.GetValue(list),
                SortBy = parse.GetRequiredValue(sort),
                Reverse = parse.GetValue(reverse),
                Filter = entryFilter.IsEmpty ? null : entryFilter,
                FilterText = entryFilter.IsEmpty ? "" : filter.Text(parse),
                Rows = (int)parse.GetRequiredValue(rows),
            };
            if (parse.GetValue(json) && !printOnce)
                throw new UsageException("--json needs --once: the live view is for a terminal");
            if (!printOnce && (Console.IsInputRedirected || Console.IsOutputRedirected))
                throw new UsageException("ctnet top needs a terminal; use --once to print one frame (--once --json for JSON)");
            using var session = new TopSession(options) { Query = query };
            session.Start();
            return printOnce ? PrintOnce(session, parse.GetValue(json)) : TopTerminal.Run(session, parse.GetValue(allowDelete));
        }));
        return command;
    }

    private static int PrintOnce(TopSession session, bool json)
    {
        var deadline = DateTime.UtcNow + OnceTimeout;
        TopFrame? first = null, frame = null;
        while (DateTime.UtcNow < deadline)
        {
            frame = session.Frame();
            if (frame is not null && frame.Namespaces.Count == 0)
                throw new IOException(frame.Problems[0]);
            first ??= frame;
            if (frame is not null && frame.Taken > first!.Taken)
                break;
            Thread.Sleep(50);
        }
        if (frame is null || frame.Taken == first?.Taken)
            throw new IOException($"no second snapshot from every namespace within {OnceTimeout.TotalSeconds:0} s");
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(frame, Json));
            return ExitCodes.Success;
        }
        int width = Console.IsOutputRedirected ? 100 : Console.WindowWidth;
        foreach (var line in TopLayout.Lines(frame, width, selected: null, status: "").SkipLast(1))
            Console.Out.WriteLine(line.Text.TrimEnd());
        return ExitCodes.Success;
    }

    private static TopColumn Column(string option, string text) =>
        Enum.GetValues<TopColumn>().Cast<TopColumn?>().FirstOrDefault(c => c.ToString()!.Equals(text, StringComparison.OrdinalIgnoreCase))
            ?? throw UsageException.For(option, text, "source, destination, protocol, state, ttl, packets or bytes");
}
