using System.Text;

namespace Conntrack.Host.Files;

/// <summary>Whether a looked-up file may be read.</summary>
public enum FileAccessState
{
    Readable,
    Missing,

    /// <summary>Not read on purpose: a symlink out of the snapshot, or not a regular file.</summary>
    Refused,

    /// <summary>It could not be examined or opened (permissions, I/O).</summary>
    Unreadable,
}

/// <summary>
/// One file found through a <see cref="HostRoot"/>: every component of its path resolved inside the root,
/// its type known before it is opened. Only a regular file that stays inside the root is <see cref="FileAccessState.Readable"/>.
/// </summary>
public sealed class HostFile
{
    private readonly NativeFiles.Status _status;

    internal HostFile(string label, string path, NativeFiles.Status status, FileAccessState access, string? reason)
    {
        Label = label;
        Path = path;
        _status = status;
        Access = access;
        Reason = reason;
    }

    /// <summary>How reports name it: <c>/proc/net/nf_conntrack</c> under a root, else the path the user gave.</summary>
    public string Label { get; }

    /// <summary>Where it resolved to (no symlinks left), or how far resolution got.</summary>
    public string Path { get; }

    public FileAccessState Access { get; }

    public FileKind Kind => _status.Kind;

    /// <summary>Size as the file system reports it (0 for /proc and /sys files, which are generated as read).</summary>
    public long Size => _status.Size;

    /// <summary>Why it is refused or unreadable ("symlink outside the snapshot", "not a regular file (fifo)", "permission denied").</summary>
    public string? Reason { get; }

    public bool IsReadable => Access == FileAccessState.Readable;

    /// <summary>What is wrong, for a one-line message after the label; null when readable.</summary>
    public string? Problem => Access switch
    {
        FileAccessState.Missing => "no such file",
        FileAccessState.Readable => null,
        _ => Reason,
    };

    /// <summary>Opens the file for streaming; only for a readable file.</summary>
    /// <exception cref="IOException">It changed since it was looked up, or cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public FileStream Open()
    {
        if (!IsReadable)
            throw new InvalidOperationException($"{Label}: not readable ({Problem})");
        return NativeFiles.Open(Path, _status);
    }

    /// <summary>
    /// Reads the whole file when it holds at most <paramref name="maxBytes"/> bytes; null when it holds more
    /// (it is never read past <paramref name="maxBytes"/> + 1). Invalid UTF-8 becomes U+FFFD.
    /// </summary>
    public string? ReadBounded(int maxBytes)
    {
        if (Size > maxBytes)
            return null;
        using var stream = Open();
        var buffer = new byte[maxBytes + 1];
        int total = 0, read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            total += read;
        return total > maxBytes ? null : new UTF8Encoding(false, false).GetString(buffer, 0, total);
    }
}
