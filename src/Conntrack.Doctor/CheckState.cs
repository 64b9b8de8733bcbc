using System.Globalization;

namespace Conntrack.Doctor;

/// <summary>
/// The counters the last check saw, kept in a one-line file (<c>drop=N insert_failed=N early_drop=N</c>)
/// so that the next check can tell new drops from old ones. One file per network namespace: each has its own counters.
/// </summary>
public static class CheckState
{
    private const int MaxBytes = 4096;

    /// <summary>/var/lib/ctnet for root, else $XDG_STATE_HOME/ctnet (~/.local/state/ctnet); one file per netns inode.</summary>
    public static string DefaultPath(long? netnsInode)
    {
        string directory = System.Environment.IsPrivilegedProcess
            ? "/var/lib/ctnet"
            : Path.Combine(System.Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".local", "state"), "ctnet");
        string name = netnsInode is long inode ? string.Create(CultureInfo.InvariantCulture, $"check-netns-{inode}.state") : "check.state";
        return Path.Combine(directory, name);
    }

    /// <summary>The counters stored at <paramref name="path"/>, or null with the reason there are none.</summary>
    public static (CheckCounters? Counters, string Reason) Read(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return (null, "first check: no earlier counters to compare");
            if (info.LinkTarget is not null || info.Length > MaxBytes)
                return (null, $"state file {path} is not a small regular file: nothing to compare");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"state file {path} unreadable ({e.Message}): nothing to compare");
        }
        return Parse(text) is CheckCounters counters
            ? (counters, "")
            : (null, $"state file {path}: expected 'drop=N insert_failed=N early_drop=N', nothing to compare");
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="counters"/> (written beside it, then renamed: a reader never sees half a file).</summary>
    /// <exception cref="IOException">The file or its directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static void Write(string path, CheckCounters counters)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp";
        File.WriteAllText(temporary, Format(counters));
        File.Move(temporary, full, overwrite: true);
    }

    public static string Format(CheckCounters c) =>
        string.Create(CultureInfo.InvariantCulture, $"drop={c.Drop} insert_failed={c.InsertFailed} early_drop={c.EarlyDrop}\n");

    public static CheckCounters? Parse(string text)
    {
        var fields = text.Trim().Split(' ');
        if (fields.Length != 3)
            return null;
        long? drop = Field(fields[0], "drop="), insertFailed = Field(fields[1], "insert_failed="), earlyDrop = Field(fields[2], "early_drop=");
        return drop is long d && insertFailed is long i && earlyDrop is long e ? new CheckCounters(d, i, e) : null;
    }

    private static long? Field(string field, string prefix) =>
        field.StartsWith(prefix, StringComparison.Ordinal)
        && long.TryParse(field.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
}
