namespace Conntrack.TestData;

/// <summary>A temporary directory, removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "ctnet-test-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> at <paramref name="relative"/>, creating directories; returns the full path.</summary>
    public string File(string relative, string content)
    {
        string full = Parent(relative);
        System.IO.File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Makes a FIFO at <paramref name="relative"/> (with mkfifo, as a user would); returns the full path.</summary>
    public string Fifo(string relative)
    {
        string full = Parent(relative);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [full]) ?? throw new InvalidOperationException("mkfifo did not start");
        if (!mkfifo.WaitForExit(10_000) || mkfifo.ExitCode != 0)
            throw new InvalidOperationException($"mkfifo {full} failed");
        return full;
    }

    /// <summary>Makes a symlink at <paramref name="relative"/> pointing at <paramref name="target"/> (as written); returns the full path.</summary>
    public string Link(string relative, string target)
    {
        string full = Parent(relative);
        System.IO.File.CreateSymbolicLink(full, target);
        return full;
    }

    /// <summary>A file of <paramref name="bytes"/> zero bytes and no newline, written sparse (instantly, no disk used).</summary>
    public string Sparse(string relative, long bytes)
    {
        string full = Parent(relative);
        using var stream = new FileStream(full, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(bytes);
        return full;
    }

    private string Parent(string relative)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
