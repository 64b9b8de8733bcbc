using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Conntrack.Cli.Input;
using Conntrack.Cli.Top;
using Conntrack.Monitor;
using Conntrack.Monitor.Top;
using Conntrack.Replay;

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
        var netns = ServeCommand.NetnsOption();
        var interval = ServeCommand.IntervalOption("How often the view is refreshed (default 1s).");
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
        var replay = new Option<string?>("--replay")
        {
            Description = "Drive the view by the engine replaying a capture (pcap or pcapng, a FIFO read once, or - with --once) in capture time instead of a live table.",
            HelpName = "FILE",
        }.ParsedBy((_, path) => InputFile.Require(path, streamOk: true));
        var speed = new Option<double>("--speed")
        {
            Description = "With --replay: capture seconds per second, such as 10x or 0.5x, or max (default 1x; --once replays at max).",
            HelpName = "N|Nx|max",
            DefaultValueFactory = _ => 1,
        }.ParsedBy(Speed);
        var at = new Option<long?>("--at")
        {
            Description = "With --replay: stop at this capture time after the first packet (such as 90s or 10m) and hold the table there; default: the end.",
            HelpName = "DURATION",
        }.ParsedBy(ValueParsers.Duration(Day * 3650));
        var settings = new SettingsOptions();
        var runOptions = new ReplayRunOptions();
        var filter = new TableFilterOptions();
        var command = new Command("top", "A live terminal view of the conntrack table: count against max, rates, drops, forecast, the doctor's verdict, and what fills it, grouped or one row per entry; or of a capture replayed.")
        {
            netns, interval, group, list, sort, reverse, rows, once, json, allowDelete, replay, speed, at,
        };
        settings.AddTo(command);
        command.Add(runOptions.HashSeed);
        filter.AddTo(command);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            bool printOnce = parse.GetValue(once);
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
            using ITopSource source = parse.GetValue(replay) is { } capture
                ? (ITopSource)Replay(parse, capture, settings, runOptions.HashSeedOf(parse), printOnce ? 0 : parse.GetRequiredValue(speed), parse.GetValue(at), netns, allowDelete)
                : Live(parse, netns, interval, speed, at, settings, runOptions.HashSeed);
            if (parse.GetValue(json) && !printOnce)
                throw new UsageException("--json needs --once: the live view is for a terminal");
            if (!printOnce && (Console.IsInputRedirected || Console.IsOutputRedirected))
                throw new UsageException("ctnet top needs a terminal; use --once to print one frame (--once --json for JSON)");
            source.Query = query;
            source.Start();
            return printOnce ? PrintOnce(source, parse.GetValue(json)) : TopTerminal.Run(source, parse.GetValue(allowDelete));
        }));
        return command;
    }

    private static TopSession Live(ParseResult parse, Option<string[]> netns, Option<long> interval, Option<double> speed, Option<long?> at, SettingsOptions settings, Option<long?> hashSeed)
    {
        foreach (Option option in new Option[] { speed, at, hashSeed, settings.Set, settings.Sysctl, settings.ProcSys })
        {
            if (parse.GetResult(option) is { Implicit: false })
                throw new UsageException($"{option.Name} goes with --replay: a live table has the kernel's settings");
        }
        string[] names = parse.GetValue(netns) ?? [];
        return new TopSession(new MonitorOptions
        {
            Namespaces = ServeCommand.Namespaces(names),
            AllNamespaces = names.Contains("all", StringComparer.Ordinal),
            Interval = ServeCommand.FromNanoseconds(parse.GetRequiredValue(interval)),
        });
    }

    private static TopReplay Replay(ParseResult parse, string capture, SettingsOptions settings, ulong? hashSeed, double speed, long? at, Option<string[]> netns, Option<bool> allowDelete)
    {
        if (parse.GetResult(netns) is { Implicit: false })
            throw new UsageException("--netns does not go with --replay: the replay's table is the engine's");
        if (parse.GetValue(allowDelete))
            throw new UsageException("--allow-delete does not go with --replay: there is no kernel table to delete from");
        var options = new ReplayOptions { Settings = settings.Build(parse), View = null, HashSeed = hashSeed };
        return new TopReplay(InputFile.Open(capture), options, speed, at / 1e9);
    }

    /// <summary>One frame: for a live table the second snapshot (so rates exist), for a replay the table where it holds.</summary>
    private static int PrintOnce(ITopSource source, bool json)
    {
        var deadline = DateTime.UtcNow + OnceTimeout;
        TopFrame? first = null, frame = null;
        bool replay = source is TopReplay;
        while (true)
        {
            frame = source.Frame();
            if (frame is not null && frame.Namespaces.Count == 0)
                throw new IOException(frame.Problems[0]);
            first ??= frame;
            if (frame is not null && (replay ? ((TopReplay)source).Holding : frame.Taken > first!.Taken))
                break;
            if (!replay && DateTime.UtcNow > deadline)
                throw new IOException($"no second snapshot from every namespace within {OnceTimeout.TotalSeconds:0} s");
            Thread.Sleep(20);
        }
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

    /// <summary>"10x", "10", "0.5x" capture seconds per second; max: as fast as the engine goes (0).</summary>
    private static double Speed(string option, string text)
    {
        if (text.Trim() == "max")
            return 0;
        string number = text.Trim().EndsWith('x') ? text.Trim()[..^1] : text;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double speed) && double.IsFinite(speed) && speed is > 0 and <= 1_000_000
            ? speed
            : throw UsageException.For(option, text, "a speed such as 10x, 0.5x or max: capture seconds per second, above 0 and at most 1000000");
    }

    private static TopColumn Column(string option, string text) =>
        Enum.GetValues<TopColumn>().Cast<TopColumn?>().FirstOrDefault(c => c.ToString()!.Equals(text, StringComparison.OrdinalIgnoreCase))
            ?? throw UsageException.For(option, text, "source, destination, protocol, state, ttl, packets or bytes");
}
