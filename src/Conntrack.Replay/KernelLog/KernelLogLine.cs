namespace Conntrack.Replay.KernelLog;

/// <summary>One simulated kernel log line at a capture timestamp (Unix nanoseconds).</summary>
public readonly record struct KernelLogLine(long Timestamp, string Text)
{
    /// <summary>As dmesg prints it: seconds since <paramref name="boot"/> in brackets, then the text.</summary>
    public string ToDmesg(long boot) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{(Timestamp - boot) / 1e9,12:0.000000}] {Text}");
}
