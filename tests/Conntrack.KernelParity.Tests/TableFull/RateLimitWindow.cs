namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// The kernel's net_ratelimit, which the table-full line goes through: a burst of 10 messages per
/// 5-second window, shared by the whole machine. A test that makes the kernel drop notes when it did,
/// and the next one waits for that window to close, so each starts with a fresh burst (a table-full
/// row compares how many lines were printed; drops just before it would leave it none).
/// </summary>
internal static class RateLimitWindow
{
    /// <summary>Longer than net_ratelimit's 5-second window.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5.5);

    private static DateTime _lastDrops = DateTime.MinValue;

    /// <summary>Waits until the window of the previous test's drops has closed.</summary>
    public static void WaitForFresh(ITestOutputHelper output)
    {
        var wait = _lastDrops + Pause - DateTime.UtcNow;
        if (wait <= TimeSpan.Zero)
            return;
        output.WriteLine($"waiting {wait.TotalSeconds:0.0} s for net_ratelimit's window of the previous kernel test to close");
        Thread.Sleep(wait);
    }

    /// <summary>Notes that the kernel has just been dropping (and logging through the limiter).</summary>
    public static void NoteDrops() => _lastDrops = DateTime.UtcNow;
}
