using Conntrack.Host.Files;

namespace Conntrack.Host.Sysctls;

/// <summary>One sysctl file: its name, where it was found, and its text or why it was not read.</summary>
public sealed record SysctlFile(string Name, HostFile File, string? Text, string? Problem)
{
    public string Label => File.Label;
}

/// <summary>
/// The one reader of sysctl files, for the doctor (<see cref="HostSettingsReader"/>) and for settings the user
/// names (<see cref="SettingsFiles"/>). A sysctl holds a few bytes: more than <see cref="MaxBytes"/> is refused
/// unread; FIFOs, devices and links out of the root are refused unopened.
/// </summary>
public static class SysctlFiles
{
    public const int MaxBytes = 4096;

    /// <summary>
    /// The files of a directory under <paramref name="root"/> whose names <paramref name="wanted"/> accepts, in
    /// name order, not yet read; subdirectories (<c>nf_log/</c>) are left out. The directory itself is returned for its status.
    /// </summary>
    public static (HostFile Directory, IReadOnlyList<HostFile> Files) Find(HostRoot root, string relative, Func<string, bool> wanted)
    {
        var (directory, entries) = root.List(relative);
        return (directory, [.. entries.Where(e => e.Kind != FileKind.Directory && wanted(Path.GetFileName(e.Label)))]);
    }

    /// <summary>Reads the files <see cref="Find"/> finds.</summary>
    public static (HostFile Directory, IReadOnlyList<SysctlFile> Files) ReadDirectory(HostRoot root, string relative, Func<string, bool> wanted)
    {
        var (directory, files) = Find(root, relative, wanted);
        return (directory, [.. files.Select(f => Read(f, Path.GetFileName(f.Label)))]);
    }

    /// <summary>Reads one sysctl file; <see cref="SysctlFile.Text"/> is null when it is missing, refused, unreadable or too large.</summary>
    public static SysctlFile Read(HostFile file, string name)
    {
        if (!file.IsReadable)
            return new SysctlFile(name, file, null, file.Problem);
        try
        {
            return file.ReadBounded(MaxBytes) is { } text
                ? new SysctlFile(name, file, text, null)
                : new SysctlFile(name, file, null, $"larger than {MaxBytes} bytes (expected one integer)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SysctlFile(name, file, null, HostRoot.Reason(e));
        }
    }
}
