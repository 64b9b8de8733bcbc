using Conntrack.Capture;

namespace Conntrack.Fuzz;

/// <summary>Turns a capture into a <see cref="PacketSequence"/> seed for the packet path: its IP packets and their time steps.</summary>
internal static class PacketSeeds
{
    public static int Convert(string capturePath, string outputPath, TextWriter output)
    {
        using var reader = CaptureReader.Open(capturePath);
        using var file = File.Create(outputPath);
        long? previous = null;
        int packets = 0;
        while (reader.TryReadNext(out var record))
        {
            if (LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network) != LinkDecodeStatus.Ok)
                continue;
            long elapsed = previous is long p ? Math.Max(0, record.TimestampNanoseconds - p) : 0;
            previous = record.TimestampNanoseconds;
            PacketSequence.Write(file, elapsed, record.Data.Slice(network.Offset, network.Length));
            packets++;
        }
        output.WriteLine($"{outputPath}: {packets} packets from {capturePath}");
        return 0;
    }
}
