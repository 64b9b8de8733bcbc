namespace Conntrack.Doctor;

/// <summary>
/// One thing to do (or not to do), why, what it costs, and the exact commands. <see cref="Settings"/>
/// holds the sysctl changes it makes, by canonical name, for the persistent file.
/// </summary>
public sealed record Recommendation(
    string Kind,
    string Title,
    string Reason,
    string Cost,
    IReadOnlyList<string> Commands,
    IReadOnlyDictionary<string, long> Settings)
{
    public static IReadOnlyDictionary<string, long> NoSettings { get; } = new Dictionary<string, long>();
}

/// <summary>A file to create so a change survives reboots.</summary>
public sealed record PersistentFile(string Path, string Content);
