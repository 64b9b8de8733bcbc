using Conntrack.Host.Logs;

namespace Conntrack.Monitor.Tests;

/// <summary>/dev/kmsg read live (root): from the end, never waiting, and never counting what user space wrote into it.</summary>
public class KmsgReaderTests
{
    [Fact]
    public void Reading_starts_at_the_end_returns_at_once_and_skips_forged_lines()
    {
        string forged = $"nf_conntrack: nf_conntrack: table full, dropping packet (forged by test {Environment.ProcessId})";
        File.AppendAllText(KmsgReader.DevicePath, forged + "\n");
        using var reader = KmsgReader.TryOpen(out string? problem) ?? throw new InvalidOperationException(problem);
        var seen = new List<string>();
        KernelMessageHandler onMessage = (_, message) => seen.Add(message.ToString());
        reader.ReadAvailable(onMessage);
        Assert.DoesNotContain(forged, seen);

        // Written after the open: read as a record, but its facility is user, not kernel, so it is not handed on.
        File.AppendAllText(KmsgReader.DevicePath, forged + "\n");
        int records = reader.ReadAvailable(onMessage);
        Assert.True(records >= 1, "the line written to /dev/kmsg was not read back");
        Assert.DoesNotContain(forged, seen);
    }
}
