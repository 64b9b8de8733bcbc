namespace Conntrack.Capture.Tests;

/// <summary>Finds the shared folder of real-world captures that lives next to the repository.</summary>
internal static class SharedCaptures
{
    /// <summary>
    /// The repository is at &lt;X&gt;/main and the captures at &lt;X&gt;/shared/captures. Fails (never skips)
    /// when they cannot be found, so a missing folder cannot pass silently.
    /// </summary>
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Conntrack.slnx")) && dir.Parent is not null)
                {
                    string captures = Path.Combine(dir.Parent.FullName, "shared", "captures");
                    Assert.True(Directory.Exists(captures), $"shared captures folder missing: expected {captures} (sibling 'shared/captures' of the repository root {dir.FullName})");
                    return captures;
                }
            }

            Assert.Fail($"repository root (the folder holding Conntrack.slnx) not found above {AppContext.BaseDirectory}, so shared/captures cannot be located");
            return string.Empty;
        }
    }

    public static string PathOf(string file)
    {
        string path = Path.Combine(Folder, file);
        Assert.True(File.Exists(path), $"shared capture missing: {path}");
        return path;
    }
}
