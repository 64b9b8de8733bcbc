namespace Conntrack.Host.Files;

/// <summary>
/// The directory the host's files are read under: "/" for the live host, or a snapshot. Every lookup
/// resolves its path one component at a time with <c>lstat</c>, following symlinks itself, so it can
/// refuse a link that leaves the root (<c>proc</c> → <c>/proc</c> in a snapshot) before anything outside is
/// touched, and refuse FIFOs and devices before they are opened. Links that stay inside the root are followed.
/// </summary>
public sealed class HostRoot
{
    /// <summary>The kernel's limit on links followed in one lookup (MAXSYMLINKS).</summary>
    public const int MaxSymlinks = 40;

    private readonly string _labelPrefix;
    private readonly string _outside;

    private HostRoot(string path, string labelPrefix, string outside)
    {
        Path = path;
        _labelPrefix = labelPrefix;
        _outside = outside;
    }

    /// <summary>The live host: every path is inside "/"; FIFOs and devices are still refused.</summary>
    public static HostRoot Live { get; } = new("/", "/", "");

    /// <summary>The root with every symlink resolved.</summary>
    public string Path { get; }

    public bool IsLive => Path == "/";

    /// <summary>A snapshot: files are labelled with their host paths (<c>/proc/meminfo</c>).</summary>
    /// <exception cref="DirectoryNotFoundException">It is not a directory.</exception>
    public static HostRoot Snapshot(string directory) =>
        new(NamedDirectory(directory, "a snapshot made by ctnet snapshot"), "/", "symlink outside the snapshot");

    /// <summary>A directory the user named (<c>--proc-sys DIR</c>): files are labelled <c>DIR/name</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">It is not a directory; the message ends with what was <paramref name="expected"/>.</exception>
    public static HostRoot Directory(string directory, string expected) =>
        new(NamedDirectory(directory, expected), directory.TrimEnd('/') + "/", $"symlink outside {directory}");

    /// <summary>Links in the name the user gave are followed: the user chose them. What lies below is resolved inside.</summary>
    private static string NamedDirectory(string directory, string expected)
    {
        var found = Live.Resolve(System.IO.Path.GetFullPath(directory), directory, directory: true);
        string? problem = found.Access == FileAccessState.Missing ? "no such directory" : found.Problem;
        if (problem is not null)
            throw new DirectoryNotFoundException($"{directory}: {problem} (expected {expected})");
        return found.Path;
    }

    /// <summary>
    /// A file the user named on the command line: its links are followed wherever they go (the user chose the
    /// path), but it must still be a regular file to be <see cref="FileAccessState.Readable"/>.
    /// </summary>
    public static HostFile Named(string path) => Live.Resolve(System.IO.Path.GetFullPath(path), path, directory: false);

    /// <summary>A host file (<c>proc/net/nf_conntrack</c>) under this root, labelled as the host names it unless <paramref name="label"/> is given; a directory there is refused.</summary>
    public HostFile Find(string relative, string? label = null) => Resolve(relative, label ?? _labelPrefix + relative, directory: false);

    /// <summary>The entries of a directory under this root, each looked up like <see cref="Find"/>; sorted by name.</summary>
    public (HostFile Directory, IReadOnlyList<HostFile> Entries) List(string relative)
    {
        var directory = Resolve(relative, _labelPrefix + relative, directory: true);
        if (!directory.IsReadable)
            return (directory, []);
        string[] names;
        try
        {
            names = [.. System.IO.Directory.EnumerateFileSystemEntries(directory.Path).Select(System.IO.Path.GetFileName).OfType<string>()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (new HostFile(directory.Label, directory.Path, default, FileAccessState.Unreadable, Reason(e)), []);
        }
        Array.Sort(names, StringComparer.Ordinal);
        return (directory, [.. names.Select(name => Find(relative.Length == 0 ? name : relative + "/" + name, null))]);
    }

    /// <summary>Walks <paramref name="relative"/> from the root; readable only as a regular file, or as a directory when <paramref name="directory"/>.</summary>
    private HostFile Resolve(string relative, string label, bool directory)
    {
        var pending = new Stack<string>();
        Push(pending, relative);
        string current = Path;
        var status = new NativeFiles.Status(FileKind.Directory, 0, 0, 0);
        int links = 0;
        try
        {
            while (pending.TryPop(out string? part))
            {
                if (part is "" or ".")
                    continue;
                if (part == "..")
                {
                    current = Parent(current);
                    if (!Inside(current))
                        return Refuse(label, current, _outside);
                    status = new NativeFiles.Status(FileKind.Directory, 0, 0, 0);
                    continue;
                }
                string next = current == "/" ? "/" + part : current + "/" + part;
                status = NativeFiles.Lstat(next);
                if (status.Kind == FileKind.Missing)
                    return new HostFile(label, next, status, FileAccessState.Missing, null);
                if (status.Kind != FileKind.Symlink)
                {
                    current = next;
                    continue;
                }
                if (++links > MaxSymlinks)
                    return Refuse(label, next, "too many levels of symlinks");
                string target = new FileInfo(next).LinkTarget ?? "";
                if (target.StartsWith('/'))
                {
                    // Checked as written, before any of it is looked at; its ".." parts are walked below like any other.
                    if (!Inside(target))
                        return Refuse(label, next, _outside);
                    current = Path;
                    target = IsLive ? target : target[Path.Length..];
                }
                Push(pending, target);
                status = new NativeFiles.Status(FileKind.Directory, 0, 0, 0);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HostFile(label, current, default, FileAccessState.Unreadable, Reason(e));
        }
        return status.Kind == (directory ? FileKind.Directory : FileKind.Regular)
            ? new HostFile(label, current, status, FileAccessState.Readable, null)
            : Refuse(label, current, directory ? $"not a directory ({FileKindText.Words(status.Kind)})" : $"not a regular file ({FileKindText.Words(status.Kind)})", status);
    }

    private static HostFile Refuse(string label, string path, string reason, NativeFiles.Status status = default) =>
        new(label, path, status, FileAccessState.Refused, reason);

    internal static string Reason(Exception e) => e is UnauthorizedAccessException ? "permission denied" : e.Message;

    private static void Push(Stack<string> pending, string path)
    {
        string[] parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--)
            pending.Push(parts[i]);
    }

    private bool Inside(string path) => IsLive || path == Path || path.StartsWith(Path + "/", StringComparison.Ordinal);

    private static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
