using Conntrack.Settings;

namespace Conntrack.Replay;

/// <summary>How to replay a capture: the kernel settings, and an optional progress callback (fraction of the file read).</summary>
public sealed record ReplayOptions
{
    public ConntrackSettings Settings { get; init; } = new();

    /// <summary>Called now and then with the fraction of the input consumed (0..1); null for none.</summary>
    public Action<double>? Progress { get; init; }

    /// <summary>Wording and rate limiter of the simulated kernel log.</summary>
    public KernelLog.LogStyle LogStyle { get; init; } = KernelLog.LogStyle.Modern;

    /// <summary>Inode of the simulated network namespace (6.17+ logs name it); 0 = the initial namespace.</summary>
    public long NetnsInode { get; init; }

    /// <summary>Entries the slab can hold before allocations fail (a memory budget); 0 = unlimited.</summary>
    public int AllocationLimit { get; init; }

    /// <summary>
    /// Threads that track (the table's partitions are shared out among them); the results are
    /// the same for any number. 1 = the reading thread alone.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Where the capture was taken (which hook meets each packet); null = choose from the capture's first packets.</summary>
    public CaptureView? View { get; init; } = CaptureView.Router;

    /// <summary>Called every <see cref="StatusEvery"/> of capture time with where the replay stands; null for none.</summary>
    public Action<ReplayStatus>? Status { get; init; }

    /// <summary>Capture time between two <see cref="Status"/> calls, nanoseconds.</summary>
    public long StatusEvery { get; init; } = 5_000_000_000;

    /// <summary>
    /// Called at every whole second of capture time that packets cross (after a gap, once, at the last second
    /// before the next packet), and once at the end; the replay waits for it, so it can pace the replay. Null for none.
    /// </summary>
    public Action<ReplayTick>? Tick { get; init; }

    /// <summary>Fixed hash key for reproducible bucket placement (tests); null = random, as the kernel.</summary>
    public ulong? HashSeed { get; init; }
}
