using Conntrack.Table;

namespace Conntrack.Replay;

/// <summary>Reports a replay's progress every so much capture time (checked once per batch).</summary>
internal sealed class StatusReporter(Action<ReplayStatus> report, long every)
{
    private long _next = long.MinValue;
    private long _lastAt;
    private long _lastCreated;

    public void Observe(RunState run, ConntrackTable table, ReplayRecorder recorder)
    {
        if (_next == long.MinValue)
        {
            _next = run.First + every;
            _lastAt = run.First;
        }
        if (run.Last < _next)
            return;
        double seconds = (run.Last - _lastAt) / 1e9;
        double newPerSecond = seconds > 0 ? (recorder.Created - _lastCreated) / seconds : 0;
        report(new ReplayStatus((run.Last - run.First) / 1e9, table.Count, table.Max, newPerSecond, run.Dropped));
        _lastAt = run.Last;
        _lastCreated = recorder.Created;
        // A gap in the capture gives one line, not one per interval it skipped.
        _next = run.Last - ((run.Last - run.First) % every) + every;
    }
}
