using System.Runtime.ExceptionServices;

namespace Conntrack.Table;

/// <summary>
/// Tracks batches of one table on several threads, the way NIC receive-side scaling spreads flows
/// over CPUs: each of the table's partitions (a direction-symmetric share of the flows) is tracked
/// by one thread at a time, so every partition sees its packets in order and stays single-writer.
/// Whatever couples partitions — the limits, early drop, the collector, reassembly — runs on the
/// calling thread between concurrent segments, and held-back events are released in packet order,
/// so statistics, events, verdicts and the dump are exactly those of one thread. Parsing, which
/// touches no table state, is shared out by chunks of packets before tracking starts.
/// The calling thread works too and never waits for a worker that has not started: with the other
/// cores busy it simply does more itself. <c>threads − 1</c> workers spin briefly between jobs and
/// sleep when idle; dispose the tracker to stop them. One caller at a time, like the table.
/// </summary>
public sealed class ParallelTracker : IDisposable
{
    /// <summary>Segments shorter than this are tracked on the calling thread: waking workers costs more.</summary>
    internal const int MinSegment = 64;

    // About 50–100 µs of spinning (the later spins yield the CPU) before an idle worker sleeps.
    private const int IdleSpins = 100;

    private readonly ConntrackTable _table;
    private readonly Thread[] _workers;
    private readonly int[] _claims = new int[PartitionLayout.Partitions];
    private readonly object _gate = new();
    private PacketBatch? _batch;
    private long _ordinalBase;
    private int _nextChunk;
    private Job _job;
    private int _inside;
    private int _sleepers;
    private volatile bool _open;
    private volatile int _generation;
    private volatile bool _stopping;
    private Exception? _failure;
    private ExceptionDispatchInfo? _meanwhileFailure;
    private Action? _meanwhile;

    public ParallelTracker(ConntrackTable table, int threads)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _table = table;
        Threads = Math.Min(threads, PartitionLayout.Partitions);
        _workers = new Thread[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"conntrack worker {i + 1}" };
            _workers[i].Start(i + 1);
        }
    }

    /// <summary>Threads that track, the calling one included (at most the table's partition count).</summary>
    public int Threads { get; }

    /// <summary>Batch segments tracked on several threads so far, and the packets in them.</summary>
    public long ConcurrentSegments { get; private set; }

    public long ConcurrentPackets { get; private set; }

    /// <summary>
    /// Tracks every packet of <paramref name="batch"/>. <paramref name="meanwhile"/> (for example:
    /// reading the next batch into another <see cref="PacketBatch"/>) runs on the calling thread
    /// while the workers track the first concurrent segment, or at the end when there is none; it
    /// must not touch the table.
    /// </summary>
    public void Process(PacketBatch batch, Action? meanwhile = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (batch.Table != _table)
            throw new ArgumentException("the batch was routed for another table", nameof(batch));
        _batch = batch;
        try
        {
            // Parsing reads nothing tracking changes: all threads share it out by chunks. Then
            // the workers start on the first concurrent segment while the calling thread runs
            // meanwhile (typically: reading the next batch) and joins them after.
            _nextChunk = 0;
            Dispatch(Job.Route, null);
            _meanwhile = meanwhile;
            _table.Track(batch.Buffer, batch.Work, this);
            var pending = _meanwhile;
            _meanwhile = null;
            pending?.Invoke();
        }
        finally
        {
            _batch = null;
        }
        // The batch is tracked whole before anything meanwhile threw surfaces.
        if (_meanwhileFailure is { } failure)
        {
            _meanwhileFailure = null;
            failure.Throw();
        }
    }

    /// <summary>Called by the table for a concurrent segment: every partition tracked once, by whichever thread takes it.</summary>
    internal void RunPartitions(long ordinalBase, int packets)
    {
        ConcurrentSegments++;
        ConcurrentPackets += packets;
        _ordinalBase = ordinalBase;
        Array.Clear(_claims);
        var pending = _meanwhile;
        _meanwhile = null;
        Dispatch(Job.Track, pending);
    }

    /// <summary>
    /// Opens a job to the workers, runs <paramref name="meanwhile"/>, works on the job until
    /// nothing is left to take, then closes it and waits only for the workers inside it. A worker
    /// the scheduler has not woken yet is never waited for: the calling thread does its share.
    /// </summary>
    private void Dispatch(Job job, Action? meanwhile)
    {
        _failure = null;
        _job = job;
        if (_workers.Length > 0)
        {
            _open = true;
            _generation++;
            Wake();
        }
        try
        {
            meanwhile?.Invoke();
        }
        catch (Exception e)
        {
            _meanwhileFailure = ExceptionDispatchInfo.Capture(e);
        }
        Work(0);
        if (_workers.Length > 0)
        {
            // A worker enters (counts itself in, then checks the job is open) the mirror way
            // round: either it sees the job closed, or this thread sees it inside.
            _open = false;
            Interlocked.MemoryBarrier();
            var spin = default(SpinWait);
            while (Volatile.Read(ref _inside) > 0)
                spin.SpinOnce(sleep1Threshold: -1);
        }
        if (_failure is { } failure)
            throw new InvalidOperationException("a tracking thread failed", failure);
    }

    private void Work(int thread)
    {
        if (_job == Job.Route)
            RouteChunks();
        else
            TakePartitions(thread);
    }

    private void RouteChunks()
    {
        const int chunk = 64;
        var batch = _batch!;
        var work = batch.Work;
        int start;
        while ((start = Interlocked.Add(ref _nextChunk, chunk) - chunk) < work.Length)
        {
            for (int i = start; i < Math.Min(start + chunk, work.Length); i++)
                _table.Route(batch.Buffer, ref work[i]);
        }
    }

    /// <summary>
    /// Tracks every partition nobody has claimed yet. Each thread starts at its own place in the
    /// ring of partitions, so from batch to batch a partition tends to stay on the same core, with
    /// its entries in that core's cache.
    /// </summary>
    private void TakePartitions(int thread)
    {
        var batch = _batch!;
        int count = PartitionLayout.Partitions;
        int start = thread * count / Threads;
        for (int i = 0; i < count; i++)
        {
            int partition = (start + i) % count;
            if (Interlocked.Exchange(ref _claims[partition], 1) == 0)
                _table.TrackPartition(partition, batch.Buffer, batch.Work, _ordinalBase);
        }
    }

    private void WorkerLoop(object? index)
    {
        int worker = (int)index!;
        int seen = 0;
        while (true)
        {
            WaitForJob(seen);
            if (_stopping)
                return;
            seen = _generation;
            Interlocked.Increment(ref _inside);
            if (_open)
            {
                try
                {
                    Work(worker);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _failure = e;
                }
            }
            Interlocked.Decrement(ref _inside);
        }
    }

    /// <summary>
    /// Spins briefly (the next job of a replay comes within microseconds), then sleeps until
    /// <see cref="Wake"/>, so an idle tracker costs no CPU.
    /// </summary>
    private void WaitForJob(int seen)
    {
        var spin = default(SpinWait);
        for (int i = 0; i < IdleSpins; i++)
        {
            if (_generation != seen || _stopping)
                return;
            spin.SpinOnce(sleep1Threshold: -1);
        }
        // Count in as a sleeper before the last look: either this thread sees the new job, or
        // the caller, having published it, sees a sleeper to wake.
        Interlocked.Increment(ref _sleepers);
        lock (_gate)
        {
            while (_generation == seen && !_stopping)
                Monitor.Wait(_gate);
        }
        Interlocked.Decrement(ref _sleepers);
    }

    private void Wake()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleepers) == 0)
            return;
        lock (_gate)
            Monitor.PulseAll(_gate);
    }

    private enum Job
    {
        Route,
        Track,
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        Wake();
        foreach (var worker in _workers)
            worker.Join();
    }
}
