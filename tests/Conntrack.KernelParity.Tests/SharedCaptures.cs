namespace Conntrack.KernelParity.Tests;

/// <summary>The real captures in shared/captures beside the repository, read in place (never copied).</summary>
internal static class SharedCaptures
{
    /// <summary>At 2 ms a packet this is 10 s of replay; the largest capture (synscan) has about 2000.</summary>
    public const int MaxPackets = 5000;

    private static readonly string[] Extensions = [".pcap", ".pcapng", ".cap"];

    /// <summary>The folder, found by walking up from the test binaries; null when absent.</summary>
    public static string? Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "captures");
                if (System.IO.Directory.Exists(candidate))
                    return candidate;
            }
            return null;
        }
    }

    /// <summary>Capture file names in the folder (the manifest and other files are ignored).</summary>
    public static IReadOnlyList<string> Names() =>
        Directory is { } dir
            ? System.IO.Directory.EnumerateFiles(dir)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Select(Path.GetFileName)
                .OfType<string>()
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
}
