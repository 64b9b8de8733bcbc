using System.Diagnostics;
using System.Globalization;
using Conntrack.KernelParity.Tests.Kernel;
using System.Runtime.InteropServices;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// Lowers the host's <c>net.netfilter.nf_conntrack_max</c> for the few seconds of a table-full replay
/// and always puts the old value back. The sysctl is global and writable only in the initial
/// namespace, while the limit applies to every namespace's table (B's included), so the window is
/// kept as short as possible and guarded several ways:
/// <list type="bullet">
/// <item>Dispose (a finally) and <see cref="Restore"/> (called as soon as the replay has been sent);</item>
/// <item>process exit and SIGINT / SIGTERM / SIGHUP / SIGQUIT handlers;</item>
/// <item>a marker file holding the original value, written before the change and deleted after the
/// restore, and a detached watchdog (<c>setsid flock LOCK sh -c …</c>) that waits for the lock and
/// puts the marker's value back if the marker is still there once the lock is free: that covers a
/// test host killed outright (SIGKILL) inside the window;</item>
/// <item>should even that fail, the next run puts the value back from the marker
/// (<see cref="RestoreAbandoned"/>, called when the kernel environment is probed);</item>
/// <item>an exclusive lock file held for the whole window, so two test processes never stack their
/// changes (the second would otherwise take the first one's 200 for the original).</item>
/// </list>
/// </summary>
internal sealed class ConntrackMaxOverride : IDisposable
{
    private const string Sysctl = "/proc/sys/net/netfilter/nf_conntrack_max";
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "ctp-nf_conntrack_max.lock");
    private static readonly string MarkerPath = Path.Combine(Path.GetTempPath(), "ctp-nf_conntrack_max.original");
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    private static readonly Lock Gate = new();
    private static ConntrackMaxOverride? _active;
    private static bool _handlersInstalled;
    private static readonly List<PosixSignalRegistration> Signals = [];

    private readonly FileStream _lock;
    private bool _restored;

    public long Original { get; }
    public long Value { get; }

    private ConntrackMaxOverride(FileStream held, long original, long value)
    {
        _lock = held;
        Original = original;
        Value = value;
    }

    /// <summary>Sets nf_conntrack_max to <paramref name="value"/> until <see cref="Restore"/> or Dispose.</summary>
    public static ConntrackMaxOverride Set(long value)
    {
        InstallHandlers();
        var held = AcquireLock();
        try
        {
            RestoreFromMarker();
            long original = Read();
            // The marker first (and flushed), then the change: a kill between the two leaves a
            // marker naming the value that is still in place, which is harmless.
            using (var marker = new FileStream(MarkerPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                marker.Write(System.Text.Encoding.ASCII.GetBytes(original.ToString(CultureInfo.InvariantCulture) + "\n"));
                marker.Flush(flushToDisk: true);
            }
            var change = new ConntrackMaxOverride(held, original, value);
            lock (Gate)
                _active = change;
            StartWatchdog();
            Write(value);
            return change;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Puts the original value back (idempotent); the lock is kept until Dispose.</summary>
    public void Restore()
    {
        lock (Gate)
        {
            if (_restored)
                return;
            Write(Original);
            File.Delete(MarkerPath);
            _restored = true;
            if (ReferenceEquals(_active, this))
                _active = null;
        }
    }

    public void Dispose()
    {
        try
        {
            Restore();
        }
        finally
        {
            _lock.Dispose();
        }
    }

    /// <summary>The current value.</summary>
    public static long Read() => long.Parse(File.ReadAllText(Sysctl).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// Puts back a value a killed run left changed (its marker file is still there and no live
    /// process holds the lock). Returns the value restored, or null when there was nothing to do.
    /// </summary>
    public static long? RestoreAbandoned()
    {
        if (!File.Exists(MarkerPath))
            return null;
        FileStream held;
        try
        {
            held = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null; // a live run holds the window; it restores its own value
        }
        using (held)
            return RestoreFromMarker();
    }

    private static long? RestoreFromMarker()
    {
        if (!File.Exists(MarkerPath))
            return null;
        string text = File.ReadAllText(MarkerPath).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long original) || original < 0)
        {
            File.Delete(MarkerPath);
            return null;
        }
        Write(original);
        File.Delete(MarkerPath);
        return original;
    }

    /// <summary>
    /// Holds the lock and changes nothing: until disposed, no test process of this harness changes
    /// nf_conntrack_max, so a test that reads it once may rely on it (waits as <see cref="Set"/> does).
    /// </summary>
    public static IDisposable KeepUnchanged() => AcquireLock();

    private static FileStream AcquireLock()
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Linux; the kernel drops it when the process dies.
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Writes the sysctl file directly (no child process: this also runs from signal handlers).</summary>
    private static void Write(long value) => File.WriteAllText(Sysctl, value.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>
    /// A detached shell that blocks on the lock this process holds; when it gets it (this process let go,
    /// or died) it restores from the marker if the marker is still there. After a normal restore the
    /// marker is gone and it just exits. Best effort: without flock/setsid there is no watchdog.
    /// </summary>
    private static void StartWatchdog()
    {
        if (Shell.Find("setsid") is not { } setsid || Shell.Find("flock") is null)
            return;
        string script = $"if [ -f '{MarkerPath}' ]; then v=$(cat '{MarkerPath}') && [ -n \"$v\" ] && echo \"$v\" > {Sysctl} && rm -f '{MarkerPath}'; fi";
        var start = new ProcessStartInfo(setsid) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "flock", LockPath, "sh", "-c", script })
            start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    private static void InstallHandlers()
    {
        lock (Gate)
        {
            if (_handlersInstalled)
                return;
            _handlersInstalled = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => RestoreActive();
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            {
                // The handler does not cancel the signal: the process still goes down as it would have.
                Signals.Add(PosixSignalRegistration.Create(signal, _ => RestoreActive()));
            }
        }
    }

    private static void RestoreActive()
    {
        ConntrackMaxOverride? active;
        lock (Gate)
            active = _active;
        try
        {
            active?.Restore();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done while the process goes down; the marker file remains for the next run.
        }
    }
}
