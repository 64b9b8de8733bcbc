using Conntrack.Host.Files;

namespace Conntrack.Cli.Input;

/// <summary>Checks, before any work, that a file named by an option can be written.</summary>
internal static class OutputFile
{
    /// <summary>
    /// Refuses an empty name, a directory, a missing parent directory, a FIFO (writing would wait
    /// for a reader) and a place the user may not write; leaves an existing file as it was and
    /// creates nothing.
    /// </summary>
    public static string Require(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw UsageException.For(option, path, "a file name");
        string shown = $"{option} '{OneLine.Of(path)}'";
        FileKind? kind = PathKind.Of(path);
        if (kind is FileKind.Directory or FileKind.Fifo or FileKind.Socket or FileKind.BlockDevice)
            throw new UsageException($"{shown}: is a {InputFile.Words(kind.Value)}, expected a file to write");
        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
            throw new UsageException($"{shown}: directory '{OneLine.Of(parent)}' does not exist");
        try
        {
            if (kind == FileKind.Missing)
                new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
            else
                new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1).Dispose();
        }
        catch (UnauthorizedAccessException)
        {
            throw new UsageException($"{shown}: permission denied");
        }
        catch (IOException e)
        {
            throw new UsageException($"{shown}: {e.Message}");
        }
        return path;
    }
}
