using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// A program in a real terminal: a detached tmux session of a given size on a private server socket, driven with
/// send-keys and read back with capture-pane; the server is killed when disposed.
/// </summary>
internal sealed class Tmux : IDisposable
{
    private readonly string _socket;
    private readonly string _session = "top";
    private int _height;

    public Tmux(string socket, int width, int height, params string[] command)
    {
        _socket = socket;
        _height = height;
        Shell.Check("tmux", ["-u", "-L", _socket, "-f", "/dev/null", "new-session", "-d", "-s", _session, "-x", $"{width}", "-y", $"{height}",
            "env", "TERM=tmux-256color", "LANG=C.UTF-8", .. command]);
        // A window does not follow a client's size when there is no client: the size stays what the test sets.
        Shell.Check("tmux", "-L", _socket, "set-option", "-t", _session, "window-size", "manual");
    }

    public void Keys(params string[] keys)
    {
        foreach (string key in keys)
        {
            Shell.Check("tmux", "-L", _socket, "send-keys", "-t", _session, key);
            Thread.Sleep(150);
        }
    }

    public void Resize(int width, int height)
    {
        _height = height;
        Shell.Check("tmux", "-L", _socket, "resize-window", "-t", _session, "-x", $"{width}", "-y", $"{height}");
    }

    /// <summary>The visible screen, one string per row, trailing blanks trimmed.</summary>
    public IReadOnlyList<string> Screen()
    {
        var capture = Shell.Try("tmux", "-L", _socket, "capture-pane", "-p", "-t", _session);
        var rows = capture.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        if (rows.Count > 0 && rows[^1].Length == 0 && rows.Count > _height)
            rows.RemoveAt(rows.Count - 1);
        return rows;
    }

    public IReadOnlyList<string> WaitFor(Func<IReadOnlyList<string>, bool> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var screen = Screen();
            if (screen.Count >= _height && condition(screen))
                return screen;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the screen never matched:\n" + string.Join('\n', screen));
            Thread.Sleep(200);
        }
    }

    /// <summary>The program ended and with it the session.</summary>
    public void WaitForExit(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (Shell.Try("tmux", "-L", _socket, "has-session", "-t", _session).Ok)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the program did not exit");
            Thread.Sleep(200);
        }
    }

    public void Dispose() => Shell.Try("tmux", "-L", _socket, "kill-server");
}
