using System.Diagnostics;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Logs;

/// <summary>
/// The kernel's messages from the systemd journal, followed live (<c>journalctl -k -f -n 0</c>: from now on) on
/// a background thread through one bounded <see cref="LineReader"/>: for hosts whose /dev/kmsg cannot be read
/// (containers), when journald runs. Each kernel line is handed on with its time since boot.
/// </summary>
public sealed class JournalFollower : IDisposable
{
    public const string Program = "/usr/bin/journalctl";
    public const string JournalSocketDirectory = "/run/systemd/journal";

    private readonly Process _process;
    private readonly Thread _reader;

    private JournalFollower(Process process, KernelMessageHandler handler)
    {
        _process = process;
        _reader = new Thread(() => Follow(process.StandardOutput.BaseStream, handler)) { IsBackground = true, Name = "journal follower" };
        _reader.Start();
    }

    /// <summary>Starts following; null with <paramref name="problem"/> when there is no journal or no journalctl.</summary>
    public static JournalFollower? TryStart(KernelMessageHandler handler, out string? problem)
    {
        if (!File.Exists(Program) || !Directory.Exists(JournalSocketDirectory))
        {
            problem = $"no systemd journal ({Program}, {JournalSocketDirectory})";
            return null;
        }
        var start = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["-k", "-f", "-n", "0", "-q", "--no-pager", "-o", "short-monotonic"])
            start.ArgumentList.Add(arg);
        try
        {
            problem = null;
            return new JournalFollower(Process.Start(start) ?? throw new IOException($"{Program} did not start"), handler);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            problem = $"{Program}: {e.Message}";
            return null;
        }
    }

    private static void Follow(Stream output, KernelMessageHandler handler)
    {
        using var reader = new LineReader(output);
        while (reader.TryReadLine(out var line))
        {
            if (!reader.Truncated && LogLinePrefix.Split(line, out var time, out var message, out _) == LogLinePrefix.Kind.Kernel)
                handler(time, message);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(5000);
        _reader.Join(5000);
        _process.Dispose();
    }
}
