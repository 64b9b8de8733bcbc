using Conntrack.Capture;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>Writes a scenario as an ordinary Ethernet pcap, so it goes through the same preparation as a real capture.</summary>
internal static class ScenarioPcap
{
    /// <summary>2026-01-01T00:00:00Z: any fixed start will do, the timeline is relative.</summary>
    private const long StartNanoseconds = 1_767_225_600L * 1_000_000_000L;

    public static void Write(Scenario scenario, string path)
    {
        using var stream = new BufferedStream(File.Create(path));
        var writer = new PcapWriter(stream, LinkType.Ethernet, nanosecondResolution: true);
        long timestamp = StartNanoseconds;
        for (int i = 0; i < scenario.Frames.Count; i++)
        {
            var frame = scenario.Frames[i];
            if (i > 0)
                timestamp += frame.Gap.Ticks * 100;
            writer.Write(timestamp, frame.Frame);
        }
    }
}
