using Conntrack.Capture;

namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>
/// The prepared capture as a capture with a small snap length would hold it: each frame cut
/// <c>l4Bytes</c> bytes into its L4 header (the original length kept), while the kernel is sent
/// the whole packets — the case of a capture taken with <c>tcpdump -s</c> that the engine replays.
/// </summary>
internal static class SnapLengthCut
{
    private const int EthernetHeaderLength = 14;

    public static PreparedCapture Write(PreparedCapture prepared, string destination, int l4Bytes)
    {
        using var reader = CaptureReader.Open(prepared.Path);
        using (var output = new BufferedStream(File.Create(destination)))
        {
            var writer = new PcapWriter(output, LinkType.Ethernet, nanosecondResolution: true);
            while (reader.TryReadNext(out var record))
            {
                var frame = record.Data;
                int ipHeader = frame[EthernetHeaderLength] >> 4 == 4 ? (frame[EthernetHeaderLength] & 0x0F) * 4 : 40;
                int kept = Math.Min(frame.Length, EthernetHeaderLength + ipHeader + l4Bytes);
                writer.Write(record.TimestampNanoseconds, frame[..kept], frame.Length);
            }
        }
        return prepared with { Path = destination };
    }
}
