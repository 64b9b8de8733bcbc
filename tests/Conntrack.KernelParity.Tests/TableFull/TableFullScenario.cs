using Conntrack.Replay.Scenarios;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// A generated flood replayed into a table limited to <see cref="Max"/> entries.
/// <see cref="EarlyDropPossible"/>: unassured entries are in the table when it is full, so early drop
/// can succeed (its outcome depends on the random hash key, and is compared in distribution).
/// <see cref="Deterministic"/>: no random outcome at all (a table of ASSURED entries only), so the
/// tables are compared entry by entry as well. <see cref="Buckets"/>: the host's hash size for the
/// replay (0 leaves it alone).
/// </summary>
internal sealed record TableFullScenario(
    string Name,
    string Purpose,
    int Max,
    bool EarlyDropPossible,
    bool Deterministic,
    int Seed,
    long Duration,
    IReadOnlyList<FlowSource> Sources,
    int Buckets = 0)
{
    /// <summary>Writes the flood as an Ethernet pcap (the engine's generator); returns the packet count.</summary>
    public long Write(string path)
    {
        using var stream = File.Create(path);
        return TrafficMixer.Write(stream, Sources, Seed, ScenarioCatalog.Start, Duration);
    }
}

/// <summary>The table-full rows.</summary>
internal static class TableFullScenarios
{
    private const long Ms = 1_000_000;
    private const long Second = 1000 * Ms;

    public static IReadOnlyList<TableFullScenario> All { get; } =
    [
        // (a) The reference's own experiment: unanswered SYNs from spoofed sources into max=200 with
        // 262144 buckets (it observed 17 early drops for 1500 new flows), and the same at max=1000,
        // where five times as many unassured entries make early drop five times as likely.
        new("synflood-max200", "≈1700 unanswered SYNs from spoofed sources, max 200: ≈1500 allocations in a full table of SYN_SENT entries",
            200, EarlyDropPossible: true, Deterministic: false, Seed: 4201, Duration: Second,
            [new SynFloodSource(FloodAddresses.WebServer, 80, 1700, 0, Second, serverAnswers: false)]),
        new("synflood-max1000", "≈2500 unanswered SYNs from spoofed sources, max 1000: ≈1500 allocations in a full table of SYN_SENT entries",
            1000, EarlyDropPossible: true, Deterministic: false, Seed: 4202, Duration: Second,
            [new SynFloodSource(FloodAddresses.WebServer, 80, 2500, 0, Second, serverAnswers: false)]),

        // (a') The same flood into 8192 buckets (the small-buckets settings profile, issue #18): 400 chain
        // nodes in 8192 buckets give early drop's eight-bucket scan p ≈ 0.33 (reference §6.2's model),
        // so about a third of the ≈1500 allocations evict instead of being dropped — a hundred times
        // the early drops of the default hash, yet far enough from p = 1 for the model check to hold.
        new("synflood-max200-buckets8192", "≈1700 unanswered SYNs into max 200 with 8192 buckets: early drop succeeds for about a third of the new flows",
            200, EarlyDropPossible: true, Deterministic: false, Seed: 4206, Duration: Second,
            [new SynFloodSource(FloodAddresses.WebServer, 80, 1700, 0, Second, serverAnswers: false)],
            Buckets: 8192),

        // (b) The table filled with ASSURED connections (handshake and data both ways), then new flows of
        // every kind: early drop finds nothing to evict, so every new flow's packets are dropped, while
        // packets of the established connections still pass.
        new("assured-full-max200", "200 ASSURED connections fill max 200, then ≈600 new flows (SYNs, UDP, pings, stray SYN/ACKs) and keep-alives on 100 of them",
            200, EarlyDropPossible: false, Deterministic: true, Seed: 4203, Duration: Second,
            [
                new AssuredConnectionSource(200, 0, 500 * Ms, keepAlive: 100, keepAliveFrom: 550 * Ms, keepAliveUntil: 950 * Ms),
                new SynFloodSource(FloodAddresses.WebServer, 80, 800, 500 * Ms, Second, serverAnswers: false),
                new UdpQuerySource(200, 500 * Ms, Second),
                new EchoRequestSource(120, 500 * Ms, Second),
                new StraySynAckSource(80, 500 * Ms, Second),
            ]),

        // (c) Half the table ASSURED, the rest filled by and then fought over by unassured flows of
        // several protocols: early drop can only ever evict the unassured half.
        new("mix-max1000", "500 ASSURED connections, then ≈1550 new flows (SYNs, UDP, pings, stray SYN/ACKs) into max 1000, and keep-alives on 100 connections",
            1000, EarlyDropPossible: true, Deterministic: false, Seed: 4204, Duration: 2 * Second,
            [
                new AssuredConnectionSource(500, 0, Second, keepAlive: 100, keepAliveFrom: 1100 * Ms, keepAliveUntil: 1900 * Ms),
                new SynFloodSource(FloodAddresses.WebServer, 80, 1100, Second, 2 * Second, serverAnswers: false),
                new UdpQuerySource(250, Second, 2 * Second),
                new EchoRequestSource(150, Second, 2 * Second),
                new StraySynAckSource(50, Second, 2 * Second),
            ]),
    ];

    /// <summary>
    /// Invalid segments into a full table: the limit is checked before the tracker's header checks,
    /// so they are drops. Run by its own test, which says why.
    /// </summary>
    public static IReadOnlyList<TableFullScenario> InvalidIntoFull { get; } =
    [
        new("invalid-flags-full-max200", "200 ASSURED connections fill max 200, then 150 scan segments with invalid TCP flags (SYN+FIN, none, FIN+PSH+URG) from new tuples",
            200, EarlyDropPossible: false, Deterministic: true, Seed: 4205, Duration: Second,
            [
                new AssuredConnectionSource(200, 0, 500 * Ms),
                new InvalidFlagsSource(300, 500 * Ms, Second),
            ]),
    ];

    public static TableFullScenario ByName(string name) => All.Concat(InvalidIntoFull).Single(s => s.Name == name);
}
