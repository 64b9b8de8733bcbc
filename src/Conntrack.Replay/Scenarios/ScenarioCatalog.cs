using Conntrack.Settings;

namespace Conntrack.Replay.Scenarios;

/// <summary>The built-in scenarios of <c>ctnet gen</c> and <c>ctnet demo</c>.</summary>
public static class ScenarioCatalog
{
    private const long Second = 1_000_000_000;

    /// <summary>A fixed start (2026-11-01 12:00 UTC) so generated captures are reproducible byte for byte.</summary>
    public static readonly long Start = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>Name, one-line description, default rate (flows/s), default clients.</summary>
    public static IReadOnlyList<(string Name, string Description, double Rate, int Clients)> All { get; } =
    [
        ("web", "HTTPS server: keep-alive connections closed by clients, TIME_WAIT churn", 200, 5000),
        ("nat", "NAT gateway: clients' HTTPS, DNS, QUIC streams and idle sessions", 300, 2000),
        ("dns", "DNS resolver storm: one UDP flow per query, 30 s each", 2000, 10000),
        ("synflood", "SYN flood with spoofed sources against one server", 5000, 0),
        ("portscan", "one host SYN-scanning all ports of a target", 2000, 1),
        ("idle", "long-lived idle connections holding entries for days", 0, 20000),
        ("demo", "the demo mix: web, DNS, pings, and a SYN flood from 40 s to 50 s", 0, 0),
    ];

    /// <summary>
    /// Most flows one generated capture may start (rate × duration, or the idle scenario's clients):
    /// the output grows with it, about 1 to 40 packets of up to 1.3 KB per flow, so this bounds the
    /// file to a few GB and the run to minutes.
    /// </summary>
    public const long MaxFlows = 10_000_000;

    /// <summary>Fastest arrival rate (flows per second): the generator holds every flow in progress, so memory grows with rate × flow length.</summary>
    public const double MaxRate = 100_000;

    /// <summary>Most client hosts (they are numbered up from 10.1.0.1).</summary>
    public const int MaxClients = 1_000_000;

    /// <summary>Longest capture (one year), in nanoseconds.</summary>
    public const long MaxDuration = 366 * 86400 * Second;

    /// <summary>Whether <paramref name="name"/> takes a rate, and clients (the demo mix and the idle scenario take fewer).</summary>
    public static (bool Rate, bool Clients) Parameters(string name) => Entry(name) switch
    {
        { Name: "demo" } => (false, false),
        { Name: "idle" } => (false, true),
        { Name: "synflood" or "portscan" } => (true, false),
        _ => (true, true),
    };

    /// <summary>
    /// The sources of a scenario; <paramref name="rate"/> and <paramref name="clients"/> override the
    /// defaults when given, and must then be positive, within <see cref="MaxRate"/> and <see cref="MaxClients"/>,
    /// and taken by the scenario (<see cref="Parameters"/>). The flows started may not exceed <see cref="MaxFlows"/>.
    /// </summary>
    public static IReadOnlyList<FlowSource> Sources(string name, double? rate = null, int? clients = null, long duration = 60 * Second)
    {
        var entry = Entry(name);
        var takes = Parameters(name);
        if (rate is { } given && (!takes.Rate || !(given > 0 && given <= MaxRate)))
            throw new ArgumentOutOfRangeException(nameof(rate), given, takes.Rate ? $"expected 0 < rate <= {MaxRate}" : $"scenario '{name}' has no rate");
        if (clients is { } count && (!takes.Clients || count is < 1 or > MaxClients))
            throw new ArgumentOutOfRangeException(nameof(clients), count, takes.Clients ? $"expected 1..{MaxClients}" : $"scenario '{name}' has no clients");
        if (duration is < 1 or > MaxDuration)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"expected 1..{MaxDuration} ns");
        double r = rate ?? entry.Rate;
        int c = clients ?? entry.Clients;
        if (ExpectedFlows(name, r, c, duration) > MaxFlows)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"more than {MaxFlows} flows");
        return name switch
        {
            "web" => [new WebSource(Addresses.WebServer, r, c)],
            "nat" => [new NatGatewaySource(r, c)],
            "dns" => [new DnsSource(Addresses.Resolver, r, c)],
            "synflood" => [new SynFloodSource(Addresses.WebServer, 80, r, 0, duration)],
            "portscan" => [new PortScanSource(Addresses.Scanner, Addresses.ScanTarget, r)],
            "idle" => [new IdleConnectionSource(c, Math.Min(duration, 10 * Second), 7200 * Second)],
            _ => DemoSources(),
        };
    }

    /// <summary>Flows a scenario starts in <paramref name="duration"/>: rate × duration, one per idle client, one per scanned port.</summary>
    public static double ExpectedFlows(string name, double rate, int clients, long duration) => name switch
    {
        "idle" => clients,
        "portscan" => Math.Min(65535, rate * duration / Second),
        _ => rate * duration / Second,
    };

    private static (string Name, string Description, double Rate, int Clients) Entry(string name)
    {
        var entry = All.FirstOrDefault(s => s.Name == name);
        if (entry.Name is null)
            throw new ArgumentException($"unknown scenario '{name}' (expected one of: {string.Join(", ", All.Select(s => s.Name))})", nameof(name));
        return entry;
    }

    private static FlowSource[] DemoSources() =>
    [
        new WebSource(Addresses.WebServer, 40, 4000),
        new DnsSource(Addresses.Resolver, 15, 4000),
        new PingSource(Addresses.Monitor, Addresses.WebServer, Second),
        new SynFloodSource(Addresses.WebServer, 80, 300, 40 * Second, 50 * Second, serverAnswers: false),
    ];

    /// <summary>Settings the demo runs under: a deliberately small table.</summary>
    public static ConntrackSettings DemoSettings()
    {
        var settings = new ConntrackSettings();
        settings.Max = 2048;
        settings.Buckets = 2048;
        return settings;
    }

    /// <summary>Generates a scenario into <paramref name="output"/>; returns the packet count.</summary>
    public static long Generate(Stream output, string name, int seed, double? rate = null, int? clients = null, long duration = 60 * Second) =>
        TrafficMixer.Write(output, Sources(name, rate, clients, duration), seed, Start, duration);
}
