namespace Conntrack.Host.Files;

/// <summary>What a path named by the user leads to, asked without opening it (opening a FIFO blocks until someone writes to it).</summary>
public static class PathKind
{
    /// <summary>The kind of file <paramref name="path"/> leads to, following links; null when it cannot be told (no permission).</summary>
    public static FileKind? Of(string path)
    {
        try
        {
            return NativeFiles.Stat(path).Kind;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }
}
