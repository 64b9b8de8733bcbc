using System.Diagnostics;
using System.Globalization;
using Conntrack.KernelParity.Tests.Kernel;
using System.Runtime.InteropServices;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// Changes one of the host's global conntrack sysctls — <c>net.netfilter.nf_conntrack_max</c>, or
/// <c>nf_conntrack_buckets</c> (the one hash table every namespace shares) — for the few seconds of a
/// table-full replay and always puts the old value back. Both are writable only in the initial
/// namespace and apply to every namespace's table (B's included), so the window is kept as short as
/// possible and guarded several ways, each sysctl with its own lock and marker:
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
internal sealed class GlobalSysctlOverride : IDisposable
{
    public const string Max = "nf_conntrack_max";
    public const string Buckets = "nf_conntrack_buckets";
    private static readonly string[] Names = [Max, Buckets];
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    private static readonly Lock Gate = new();
    private static readonly List<GlobalSysctlOverride> Active = [];
    private static bool _handlersInstalled;
    private static readonly List<PosixSignalRegistration> Signals = [];

    private readonly FileStream _lock;
    private readonly string _name;
    private bool _restored;

    public long Original { get; }
    public long Value { get; }

    private GlobalSysctlOverride(string name, FileStream held, long original, long value)
    {
        _name = name;
        _lock = held;
        Original = original;
        Value = value;
    }

    private static string SysctlPath(string name) => "/proc/sys/net/netfilter/" + name;

    private static string LockPath(string name) => Path.Combine(Path.GetTempPath(), $"ctp-{name}.lock");

    private static string MarkerPath(string name) => Path.Combine(Path.GetTempPath(), $"ctp-{name}.original");

    /// <summary>Sets <paramref name="name"/> (<see cref="Max"/> or <see cref="Buckets"/>) to <paramref name="value"/> until <see cref="Restore"/> or Dispose.</summary>
    public static GlobalSysctlOverride Set(string name, long value)
    {
        if (!Names.Contains(name))
            throw new ArgumentException($"{name} is not a global sysctl this harness may change", nameof(name));
        InstallHandlers();
        var held = AcquireLock(name);
        try
        {
            RestoreFromMarker(name);
            long original = Read(name);
            // The marker first (and flushed), then the change: a kill between the two leaves a
            // marker naming the value that is still in place, which is harmless.
            using (var marker = new FileStream(MarkerPath(name), FileMode.Create, FileAccess.Write, FileShare.None))
            {
                marker.Write(System.Text.Encoding.ASCII.GetBytes(original.ToString(CultureInfo.InvariantCulture) + "\n"));
                marker.Flush(flushToDisk: true);
            }
            var change = new GlobalSysctlOverride(name, held, original, value);
            lock (Gate)
                Active.Add(change);
            StartWatchdog(name);
            Write(name, value);
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
            Write(_name, Original);
            File.Delete(MarkerPath(_name));
            _restored = true;
            Active.Remove(this);
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
    public static long Read(string name) => long.Parse(File.ReadAllText(SysctlPath(name)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// Puts back every value a killed run left changed (its marker file is still there and no live
    /// process holds the lock).
    /// </summary>
    public static void RestoreAbandoned()
    {
        foreach (string name in Names)
        {
            if (!File.Exists(MarkerPath(name)))
                continue;
            FileStream held;
            try
            {
                held = new FileStream(LockPath(name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // a live run holds the window; it restores its own value
            }
            using (held)
                RestoreFromMarker(name);
        }
    }

    private static void RestoreFromMarker(string name)
    {
        string marker = MarkerPath(name);
        if (!File.Exists(marker))
            return;
        string text = File.ReadAllText(marker).Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long original) && original >= 0)
            Write(name, original);
        File.Delete(marker);
    }

    /// <summary>
    /// Holds the lock of <paramref name="name"/> and changes nothing: until disposed, no test process of
    /// this harness changes that sysctl, so a test that reads it once may rely on it (waits as <see cref="Set"/> does).
    /// </summary>
    public static IDisposable KeepUnchanged(string name) => AcquireLock(name);

    private static FileStream AcquireLock(string name)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Linux; the kernel drops it when the process dies.
                return new FileStream(LockPath(name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Writes the sysctl file directly (no child process: this also runs from signal handlers).</summary>
    private static void Write(string name, long value) => File.WriteAllText(SysctlPath(name), value.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>
    /// A detached shell that blocks on the lock this process holds; when it gets it (this process let go,
    /// or died) it restores from the marker if the marker is still there. After a normal restore the
    /// marker is gone and it just exits. Best effort: without flock/setsid there is no watchdog.
    /// </summary>
    private static void StartWatchdog(string name)
    {
        if (Shell.Find("setsid") is not { } setsid || Shell.Find("flock") is null)
            return;
        string marker = MarkerPath(name);
        string script = $"if [ -f '{marker}' ]; then v=$(cat '{marker}') && [ -n \"$v\" ] && echo \"$v\" > {SysctlPath(name)} && rm -f '{marker}'; fi";
        var start = new ProcessStartInfo(setsid) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "flock", LockPath(name), "sh", "-c", script })
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
        GlobalSysctlOverride[] active;
        lock (Gate)
            active = [.. Active];
        foreach (var change in active)
        {
            try
            {
                change.Restore();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing more can be done while the process goes down; the marker file remains for the next run.
            }
        }
    }
}
