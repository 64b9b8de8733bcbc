using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Conntrack.Cli.Input;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;
using Conntrack.Table;

namespace Conntrack.Cli.Commands;

/// <summary>
/// <c>ctnet events</c>: conntrack events as <c>conntrack -E</c> prints them, until SIGINT or SIGTERM; a full
/// receive queue (ENOBUFS) is reported on stderr with conntrack's warning and counted in the trailer.
/// </summary>
internal static class EventsCommand
{
    private static readonly byte[][] Prefixes = ["    [NEW] "u8.ToArray(), " [UPDATE] "u8.ToArray(), "[DESTROY] "u8.ToArray()];
    private static readonly string[] JsonNames = ["new", "update", "destroy"];

    public static Command Create()
    {
        var filter = new TableFilterOptions();
        var options = new KernelTableOptions(events: true);
        var mask = new Option<EventGroups?>("--event-mask", "-e")
        {
            Description = "Which events: NEW, UPDATE, DESTROY or ALL, separated by commas (default ALL).",
            HelpName = "EVENTS",
        }.ParsedBy(ParseMask);
        var buffer = new Option<long?>("--buffer-size", "-b")
        {
            Description = $"Receive queue in bytes, 64K to 1G (default {ConntrackEventReader.DefaultBufferBytes >> 20}M; the kernel reports twice that).",
            HelpName = "BYTES",
        }.ParsedBy(ValueParsers.Bytes);
        var command = new Command("events", "Print conntrack events (NEW, UPDATE, DESTROY) over ctnetlink as conntrack -E does, until interrupted.");
        filter.AddTo(command);
        options.AddTo(command);
        command.Add(mask);
        command.Add(buffer);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var entryFilter = filter.Build(parse);
            long bytes = parse.GetValue(buffer) ?? ConntrackEventReader.DefaultBufferBytes;
            if (bytes is < 65536 or > 1L << 30)
                throw UsageException.For("--buffer-size", bytes.ToString(CultureInfo.InvariantCulture), "from 64K to 1G");
            using var reader = ConntrackEventReader.Open(parse.GetValue(mask) ?? EventGroups.All, (int)bytes, NetnsParser.Parse(parse.GetValue(options.Netns)));
            long shown = Listen(reader, new EntryMatcher(entryFilter), options.OutputOf(parse));
            ConntrackSummary.Print(shown, "flow events have been shown");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static long Listen(ConntrackEventReader reader, EntryMatcher matcher, OutputChoice output)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var printer = EntryPrinter.ToStandardOutput(output);
        bool timestamps = (output.Line & ConntrackLineFormat.Timestamp) != 0 && !output.Json;
        long shown = 0;
        while (!stop.IsCancellationRequested)
        {
            EventReadResult result = default;
            printer.Guard(() => result = reader.Read((ConntrackEventType type, in KernelEntry e) =>
            {
                if (!matcher.Matches(e))
                    return;
                shown++;
                ulong time = e.Has(EntryAttributes.EventTime) ? e.EventTime : (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
                if (output.Json)
                {
                    printer.Print(e, eventName: JsonNames[(int)type], eventTime: time);
                    return;
                }
                byte[] kind = Prefixes[(int)type];
                printer.Print(e, timestamps ? Stamp(time, kind) : kind);
            }, timeoutMs: 200));
            if (result.Overrun)
            {
                // conntrack -E's words, so log watchers that look for them keep working.
                Console.Error.WriteLine("WARNING: We have hit ENOBUFS! We are losing events.");
                Console.Error.WriteLine("This message means that the current netlink socket buffer size is too small.");
                Console.Error.WriteLine($"Please, check --buffer-size in ctnet events --help (now {reader.BufferBytes} bytes; {reader.LostEvents} events lost so far).");
            }
        }
        return shown;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>conntrack's <c>[%-.8ld.%-.6ld]\t</c> (seconds, microseconds zero-padded) before the kind.</summary>
    private static byte[] Stamp(ulong nanoseconds, byte[] kind)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"[{nanoseconds / 1_000_000_000:D8}.{nanoseconds / 1000 % 1_000_000:D6}]\t");
        return [.. Encoding.ASCII.GetBytes(text), .. kind];
    }

    private static EventGroups ParseMask(string option, string text)
    {
        var groups = EventGroups.None;
        foreach (string part in text.Split(','))
        {
            groups |= part.Trim().ToUpperInvariant() switch
            {
                "NEW" => EventGroups.New,
                "UPDATE" => EventGroups.Update,
                "DESTROY" => EventGroups.Destroy,
                "ALL" => EventGroups.All,
                _ => throw UsageException.For(option, text, "NEW, UPDATE, DESTROY or ALL, separated by commas"),
            };
        }
        return groups;
    }
}
