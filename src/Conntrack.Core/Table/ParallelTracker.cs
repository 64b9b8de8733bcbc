using System.Runtime.ExceptionServices;

namespace Conntrack.Table;

/// <summary>
/// Tracks batches of one table on several threads, the way NIC receive-side scaling spreads flows
/// over CPUs: each of the table's partitions (a direction-symmetric share of the flows) is tracked
/// by one thread at a time, so every partition sees its packets in order and stays single-writer.
/// Whatever couples partitions — the limits, early drop, the collector, reassembly — runs on the
/// calling thread between concurrent segments, and held-back events are released in packet order,
/// so statistics, events, verdicts and the dump are exactly those of one thread.
/// The calling thread works too; <c>threads − 1</c> workers spin while a batch is being tracked
/// and yield between batches. Dispose to stop them.
/// </summary>
public sealed class ParallelTracker : IDisposable
{
    /// <summary>Segments shorter than this are tracked on the calling thread: waking workers costs more.</summary>
    internal const int MinSegment = 64;

    private readonly ConntrackTable _table;
    private readonly Thread[] _workers;
    private PacketBatch? _batch;
    private Action? _meanwhile;
    private long _ordinalBase;
    private int _nextPartition;
    private int _busy;
    private volatile int _generation;
    private volatile bool _stopping;
    private Exception? _failure;
    private ExceptionDispatchInfo? _meanwhileFailure;

    public ParallelTracker(ConntrackTable table, int threads)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _table = table;
        Threads = Math.Min(threads, ConntrackTable.PartitionCount);
        _workers = new Thread[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"conntrack worker {i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that track, the calling one included (at most the table's partition count).</summary>
    public int Threads { get; }

    /// <summary>Batch segments tracked on several threads so far, and the packets in them.</summary>
    public long ConcurrentSegments { get; private set; }

    public long ConcurrentPackets { get; private set; }

    /// <summary>
    /// Tracks every packet of <paramref name="batch"/>. <paramref name="meanwhile"/> (for example:
    /// reading and routing the next batch) runs on the calling thread while the workers start on
    /// the first concurrent segment, or at the end when there is none; it must not touch the table.
    /// </summary>
    public void Process(PacketBatch batch, Action? meanwhile = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (batch.Table != _table)
            throw new ArgumentException("the batch was routed for another table", nameof(batch));
        _batch = batch;
        _meanwhile = meanwhile;
        try
        {
            _table.Track(batch.Buffer, batch.Work, this);
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
        var pending = _meanwhile;
        _meanwhile = null;
        pending?.Invoke();
    }

    /// <summary>Called by the table for a concurrent segment: every partition tracked once, by whichever thread takes it.</summary>
    internal void RunPartitions(long ordinalBase, int packets)
    {
        ConcurrentSegments++;
        ConcurrentPackets += packets;
        _ordinalBase = ordinalBase;
        _nextPartition = 0;
        _failure = null;
        Volatile.Write(ref _busy, _workers.Length);
        _generation++;
        var pending = _meanwhile;
        _meanwhile = null;
        try
        {
            pending?.Invoke();
        }
        catch (Exception e)
        {
            _meanwhileFailure = ExceptionDispatchInfo.Capture(e);
        }
        TakePartitions();
        var spin = default(SpinWait);
        while (Volatile.Read(ref _busy) > 0)
            spin.SpinOnce(sleep1Threshold: -1);
        if (_failure is { } failure)
            throw new InvalidOperationException("a tracking thread failed", failure);
    }

    private void TakePartitions()
    {
        var batch = _batch!;
        int partition;
        while ((partition = Interlocked.Increment(ref _nextPartition) - 1) < ConntrackTable.PartitionCount)
            _table.TrackPartition(partition, batch.Buffer, batch.Work, _ordinalBase);
    }

    private void WorkerLoop()
    {
        int seen = 0;
        while (true)
        {
            var spin = default(SpinWait);
            while (_generation == seen && !_stopping)
                spin.SpinOnce(sleep1Threshold: -1);
            if (_stopping)
                return;
            seen = _generation;
            try
            {
                TakePartitions();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _failure = e;
            }
            Interlocked.Decrement(ref _busy);
        }
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        _stopping = true;
        foreach (var worker in _workers)
            worker.Join();
    }
}
