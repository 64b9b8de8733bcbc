using Conntrack.Flows;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Core.Tests.Support;

/// <summary>Records every event and table-full notification.</summary>
internal sealed class RecordingSink : IConntrackEventSink
{
    public List<(ConntrackEventType Type, EntryView Entry)> Events { get; } = [];
    public List<long> EventTimes { get; } = [];
    public List<(long Time, FlowTuple Flow)> TableFull { get; } = [];
    public Func<long>? Clock { get; set; }

    public void OnEvent(ConntrackEventType type, long timestampNanoseconds, in EntryView entry)
    {
        Events.Add((type, entry));
        EventTimes.Add(Clock?.Invoke() ?? 0);
    }

    public void OnTableFull(long timestampNanoseconds, in FlowTuple flow) => TableFull.Add((timestampNanoseconds, flow));
}

/// <summary>A table, a clock in nanoseconds and a recording sink.</summary>
internal sealed class Harness
{
    public const long Second = 1_000_000_000;

    public Harness(Action<ConntrackSettings>? configure = null, ulong seed = 42)
    {
        Settings = new ConntrackSettings();
        configure?.Invoke(Settings);
        Sink.Clock = () => Now;
        Table = new ConntrackTable(Settings, Sink, seed);
    }

    public ConntrackSettings Settings { get; }
    public RecordingSink Sink { get; } = new();
    public ConntrackTable Table { get; }

    /// <summary>Current time; starts at 1000 s so nothing sits at the epoch.</summary>
    public long Now { get; set; } = 1000 * Second;

    public static long Sec(double seconds) => (long)Math.Round(seconds * Second);

    public PacketVerdict Send(byte[] packet) => Table.Process(packet, Now);

    /// <summary>Advances the clock by <paramref name="seconds"/> and processes the packet.</summary>
    public PacketVerdict SendAfter(double seconds, byte[] packet)
    {
        Now += Sec(seconds);
        return Send(packet);
    }

    public EntryView Entry(FlowTuple tuple)
    {
        Assert.True(Table.TryGet(tuple, Now, out var view), $"no entry for {tuple}");
        return view;
    }

    public bool Has(FlowTuple tuple) => Table.TryGet(tuple, Now, out _);

    /// <summary>Timeout set by the last refresh, in seconds, measured at the current time.</summary>
    public double TimeoutOf(FlowTuple tuple) => (Entry(tuple).ExpiresAt - Now) / (double)Second;

    public ConntrackStatistics Stats => Table.Statistics;
}
