using Conntrack.Capture;
using Conntrack.Replay;
using Conntrack.Table;

namespace Conntrack.Monitor.Top;

/// <summary>
/// The top view driven by the engine replaying a capture in capture time: a frame at every whole second of the
/// capture (the table then holds exactly the packets before it, as the replay report's timeline does), paced to
/// <c>speed</c> capture seconds per wall second (0: as fast as it goes). At <c>stopAt</c> or the end the replay
/// holds its table, so the view can still be regrouped, filtered and listed. Read-only: there is no kernel to delete from.
/// </summary>
public sealed class TopReplay : ITopSource
{
    private const string Label = "replay";
    private readonly CaptureReader _reader;
    private readonly ReplayOptions _options;
    private readonly double _speed;
    private readonly double? _stopAt;
    private readonly CancellationTokenSource _stop = new();
    private readonly AutoResetEvent _asked = new(false);
    private readonly TopHeaders _headers = new();
    private readonly GrowthForecast _forecast = new(TimeSpan.FromMinutes(1));
    private readonly Thread _thread;
    private volatile TopQuery _query = new();
    private volatile Answer? _latest;
    private volatile string? _error;
    private volatile bool _holding;
    private TopTally? _tally;
    private (ReplayTick Tick, NamespaceSnapshot Snapshot, long PreviousAt)? _shown;
    private long _wallStart, _firstAt = long.MinValue;

    /// <param name="reader">The capture, read once; disposed with the replay.</param>
    /// <param name="options">How to replay it (settings, view, threads); the tick is the view's own.</param>
    /// <param name="speed">Capture seconds per wall second; 0 replays as fast as the engine goes.</param>
    /// <param name="stopAt">Capture seconds after the first packet at which the replay stops and holds; null: the end.</param>
    public TopReplay(CaptureReader reader, ReplayOptions options, double speed, double? stopAt)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        (_reader, _options, _speed, _stopAt) = (reader, options with { Tick = OnTick }, speed, stopAt);
        _thread = new Thread(Run) { IsBackground = true, Name = "top replay" };
    }

    public TopQuery Query
    {
        get => _query;
        set
        {
            _query = value;
            _asked.Set();
        }
    }

    public bool CanDelete => false;

    /// <summary>True once the replay is at <c>stopAt</c> or the end and holds its table.</summary>
    public bool Holding => _holding;

    public void Start() => _thread.Start();

    public TopFrame? Frame() =>
        _error is { } error ? Failed(error) : _latest is { } latest && ReferenceEquals(latest.Query, _query) ? latest.Frame : null;

    public bool Delete(TopEntryRow row) => throw new InvalidOperationException("a replay has no kernel table to delete from");

    public long Delete(TopGroupRow row) => throw new InvalidOperationException("a replay has no kernel table to delete from");

    public void Dispose()
    {
        _stop.Cancel();
        _asked.Set();
        if (_thread.IsAlive)
            _thread.Join();
        _reader.Dispose();
        _stop.Dispose();
        _asked.Dispose();
    }

    private void Run()
    {
        try
        {
            ReplayRunner.Run(_reader, _options, _stop.Token);
            // Every capture with a tracked packet ends in a final tick, which holds until the view closes.
            if (_firstAt == long.MinValue)
                _error = $"{_reader.Name}: no packet in the capture that the engine tracks";
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A capture that turns out bad halfway (or a bug): the view says so instead of freezing.
            _error = e is CaptureFormatException or IOException ? e.Message : $"internal error: {e.GetType().Name}: {e.Message}";
        }
    }

    private void OnTick(ReplayTick tick)
    {
        if (_firstAt == long.MinValue)
            (_firstAt, _wallStart) = (tick.At, System.Diagnostics.Stopwatch.GetTimestamp());
        if (_stop.IsCancellationRequested)
            return;
        Pace(tick);
        _shown = (tick, Snapshot(tick), _shown?.Tick.At ?? tick.At);
        Show();
        if (!tick.Final && (_stopAt is not { } stop || tick.CaptureSeconds < stop))
            return;
        _holding = true;
        // The replay waits here with its table: a new query is answered from it until the view closes.
        while (!_stop.IsCancellationRequested)
        {
            _asked.WaitOne();
            if (!_stop.IsCancellationRequested)
                Show();
        }
        _stop.Token.ThrowIfCancellationRequested();
    }

    /// <summary>Waits until the wall clock has caught up with the capture at the chosen speed (a question is answered meanwhile).</summary>
    private void Pace(ReplayTick tick)
    {
        if (_speed <= 0)
            return;
        var due = TimeSpan.FromSeconds((tick.At - _firstAt) / 1e9 / _speed);
        while (!_stop.IsCancellationRequested && System.Diagnostics.Stopwatch.GetElapsedTime(_wallStart) is var elapsed && elapsed < due)
        {
            if (_asked.WaitOne(due - elapsed) && _shown is not null)
                Show();
        }
    }

    private void Show()
    {
        var (tick, snapshot, previousAt) = _shown!.Value;
        var query = _query;
        if (!ReferenceEquals(_tally?.Query, query))
            _tally = new TopTally(query);
        _tally.Clear();
        var tally = _tally;
        // Expired entries not yet reaped still fill the table (the kernel counts them too until its GC takes them).
        tick.Table.Visit(tick.At, includeExpired: true, (in EntryView view) => tally.Add(ReplayEntries.Of(view, tick.At), created: view.CreatedAt > previousAt));
        var answer = tally.View(
            Label,
            (_, handler) => tick.Table.Visit(tick.At, includeExpired: true, (in EntryView view) => handler(ReplayEntries.Of(view, tick.At))),
            seconds: (tick.At - previousAt) / 1e9);
        var offset = TimeSpan.FromSeconds(Math.Floor(tick.CaptureSeconds));
        string title = $"replay {Path.GetFileName(_reader.Name)} +{(int)offset.TotalHours}:{offset:mm\\:ss}";
        _latest = new Answer(query, TopFrame.Compose(query, title, snapshot.Taken, _headers.Of([snapshot]), [answer], []));
    }

    private NamespaceSnapshot Snapshot(ReplayTick tick)
    {
        var table = tick.Table;
        var taken = DateTimeOffset.UnixEpoch.AddTicks(tick.At / 100);
        var previous = _shown;
        double seconds = previous is { } p ? (tick.At - p.Tick.At) / 1e9 : 0;
        _forecast.Add(taken, table.Count);
        var counters = table.Statistics.ToList().ToDictionary(s => s.Key, s => (uint)Math.Min(uint.MaxValue, s.Value), StringComparer.Ordinal);
        return new NamespaceSnapshot
        {
            Netns = Label,
            Taken = taken,
            Entries = table.Count,
            Mirrored = table.Count,
            Max = table.Max,
            Buckets = table.BucketCount,
            Series = [],
            Cpus = [new CpuCounters(0, counters)],
            TopSources = [],
            TopDestinations = [],
            TopDestinationPorts = [],
            NewEvents = tick.Created,
            UpdateEvents = 0,
            DestroyEvents = tick.Destroyed,
            EventOverruns = 0,
            EventsLost = 0,
            Resyncs = 0,
            LastResyncSeconds = 0,
            TimeToFullSeconds = _forecast.SecondsToFull(table.Count, table.Max),
            CreatedPerSecond = seconds > 0 ? (tick.Created - previous!.Value.Tick.Created) / seconds : 0,
            DestroyedPerSecond = seconds > 0 ? (tick.Destroyed - previous!.Value.Tick.Destroyed) / seconds : 0,
            Memory = MemoryFigures.Estimate(table.Count, table.BucketCount, null, _options.Settings.Accounting),
        };
    }

    private TopFrame Failed(string error) => TopFrame.Compose(
        _query, "replay " + Path.GetFileName(_reader.Name), DateTimeOffset.UtcNow, new TopHeader(0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, "unknown", error), [], [error]);

    private sealed record Answer(TopQuery Query, TopFrame Frame);
}
