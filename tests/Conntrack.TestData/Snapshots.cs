using Xunit;

namespace Conntrack.TestData;

/// <summary>The fixture snapshots in Snapshots/ (host files as <c>ctnet snapshot</c> copies them).</summary>
public static class Snapshots
{
    /// <summary>The directory of fixture <paramref name="name"/> beside the test assembly.</summary>
    public static string Path(string name)
    {
        string path = System.IO.Path.Combine(AppContext.BaseDirectory, "Snapshots", name);
        Assert.True(Directory.Exists(path), $"fixture {name} missing at {path}");
        return path;
    }
}
