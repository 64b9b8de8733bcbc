using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Conntrack.Cli.Input;
using Conntrack.Host.Netlink;
using Conntrack.Monitor;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet serve</c>: watch live tables and serve the dashboard, Prometheus metrics, /healthz and /api/state (read-only towards the kernel).</summary>
internal static class ServeCommand
{
    private const long Day = 86_400_000_000_000;

    public static Command Create()
    {
        var listen = new Option<IPEndPoint>("--listen")
        {
            Description = "Address and port to serve on; another address than 127.0.0.1 only when given.",
            HelpName = "IP:PORT",
            DefaultValueFactory = _ => new IPEndPoint(IPAddress.Loopback, MonitorOptions.DefaultPort),
        }.ParsedBy(Endpoint);
        var netns = NetnsOption();
        var interval = IntervalOption("How often counters are read and a snapshot published (default 1s).");
        var resync = new Option<long>("--resync")
        {
            Description = "How often the mirror is rebuilt by a dump even without event loss (default 5m).",
            HelpName = "DURATION",
            DefaultValueFactory = _ => 300_000_000_000,
        }.ParsedBy(ValueParsers.Duration(Day));
        var top = new Option<long>("--top")
        {
            Description = "Talkers and ports exported by name per namespace; the rest are summed as \"other\" (default 20).",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
        }.ParsedBy(ValueParsers.Whole(1, 1000));
        var eventBuffer = new Option<long>("--event-buffer")
        {
            Description = "Receive queue for ctnetlink events per namespace (default 32M); when it overflows, events are lost and the mirror is resynced by a dump.",
            HelpName = "SIZE",
            DefaultValueFactory = _ => ConntrackEventReader.DefaultBufferBytes,
        }.ParsedBy(EventBuffer);
        var command = new Command("serve", "Watch live conntrack tables over ctnetlink and serve a live dashboard (/), Prometheus metrics (/metrics), /healthz and /api/state.")
        {
            listen, netns, interval, resync, top, eventBuffer,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var options = new MonitorOptions
            {
                Listen = parse.GetRequiredValue(listen),
                Namespaces = Namespaces(parse.GetValue(netns) ?? []),
                AllNamespaces = (parse.GetValue(netns) ?? []).Contains("all", StringComparer.Ordinal),
                Interval = FromNanoseconds(parse.GetRequiredValue(interval)),
                ResyncEvery = FromNanoseconds(parse.GetRequiredValue(resync)),
                Top = (int)parse.GetRequiredValue(top),
                EventBufferBytes = (int)parse.GetRequiredValue(eventBuffer),
            };
            Serve(options);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Serve(MonitorOptions options)
    {
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        MonitorServer.RunAsync(options, url => Console.Out.WriteLine($"ctnet serve: listening on {url} (dashboard at /, /metrics, /healthz, /api/state, /api/events)"), stop.Token)
            .GetAwaiter().GetResult();
    }

    /// <summary>--netns of the commands that watch namespaces (serve, top).</summary>
    internal static Option<string[]> NetnsOption() => new("--netns")
    {
        Description = "Namespaces to watch: names from /run/netns (ip netns list), or all (every named namespace and every process's, enumerated again every 10 s). Default: the one ctnet runs in.",
        HelpName = "all|NAME",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>--interval of the commands that watch namespaces, up to a day (default 1 s).</summary>
    internal static Option<long> IntervalOption(string description) => new Option<long>("--interval")
    {
        Description = description,
        HelpName = "DURATION",
        DefaultValueFactory = _ => 1_000_000_000,
    }.ParsedBy(ValueParsers.Duration(Day));

    internal static TimeSpan FromNanoseconds(long ns) => TimeSpan.FromTicks(ns / 100);

    /// <summary>The kernel doubles SO_RCVBUF and keeps at least a page or two; past 1 GiB an int no longer holds it.</summary>
    private static long EventBuffer(string option, string text)
    {
        long bytes = ValueParsers.Bytes(option, text);
        return bytes is >= 64 << 10 and <= 1 << 30
            ? bytes
            : throw UsageException.For(option, text, "a size from 64K to 1G");
    }

    private static IPEndPoint Endpoint(string option, string text) =>
        IPEndPoint.TryParse(text.Trim(), out var endpoint) && endpoint.Port > 0 && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw UsageException.For(option, text, "an address and port such as 127.0.0.1:9467 or [::1]:9467");

    /// <summary>Names from /run/netns, or all (then the monitor enumerates them itself); shared with top.</summary>
    internal static List<(string, NetnsTarget)> Namespaces(string[] names)
    {
        // all: the monitor enumerates the namespaces itself, again and again.
        if (names.Contains("all", StringComparer.Ordinal))
            return [];
        foreach (string name in names)
        {
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || !File.Exists(Path.Combine(NetnsCatalog.NamedDirectory, name)))
                throw UsageException.For("--netns", name, $"all or a namespace name in {NetnsCatalog.NamedDirectory} (ip netns list)");
        }
        return [.. names.Distinct(StringComparer.Ordinal).Select(n => (n, NetnsTarget.Named(n)))];
    }
}
