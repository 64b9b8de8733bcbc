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

    /// <summary>The sources of a scenario; <paramref name="rate"/> and <paramref name="clients"/> override the defaults when positive.</summary>
    public static IReadOnlyList<FlowSource> Sources(string name, double rate = 0, int clients = 0, long duration = 60 * Second)
    {
        var entry = All.FirstOrDefault(s => s.Name == name);
        if (entry.Name is null)
            throw new ArgumentException($"unknown scenario '{name}' (expected one of: {string.Join(", ", All.Select(s => s.Name))})", nameof(name));
        double r = rate > 0 ? rate : entry.Rate;
        int c = clients > 0 ? clients : entry.Clients;
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
    public static long Generate(Stream output, string name, int seed, double rate = 0, int clients = 0, long duration = 60 * Second) =>
        TrafficMixer.Write(output, Sources(name, rate, clients, duration), seed, Start, duration);
}
