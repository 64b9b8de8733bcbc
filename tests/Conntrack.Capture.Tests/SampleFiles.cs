namespace Conntrack.Capture.Tests;

/// <summary>Small valid captures made with the writers, as raw material for damage and round-trip tests.</summary>
internal static class SampleFiles
{
    public static byte[] Pcap(int records)
    {
        using var stream = new MemoryStream();
        var writer = new PcapWriter(stream, LinkType.Ethernet);
        Span<byte> frame = stackalloc byte[128];
        for (int i = 0; i < records; i++)
        {
            int length = Frame(frame, i);
            writer.Write(1_700_000_000_000_000_000 + (i * 1_000_000L), frame[..length]);
        }

        return stream.ToArray();
    }

    public static byte[] PcapNg(int records)
    {
        using var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream);
        int ethernet = writer.AddInterface(LinkType.Ethernet);
        int raw = writer.AddInterface(LinkType.Raw, tsResolutionPower10: 6);
        Span<byte> frame = stackalloc byte[128];
        for (int i = 0; i < records; i++)
        {
            int length = Frame(frame, i);
            if (i % 2 == 0)
            {
                writer.Write(ethernet, 1_700_000_000_000_000_000 + (i * 1_000_000L), frame[..length]);
            }
            else
            {
                writer.Write(raw, 1_700_000_000_000_000_000 + (i * 1_000_000L), frame[14..length]);
            }
        }

        return stream.ToArray();
    }

    /// <summary>An Ethernet/IPv4/UDP frame whose size varies with <paramref name="i"/>.</summary>
    public static int Frame(Span<byte> frame, int i)
    {
        Span<byte> ip = stackalloc byte[100];
        Span<byte> payload = stackalloc byte[i % 50];
        payload.Fill((byte)i);
        int ipLength = PacketBuilder.Udp4(ip, 0x0A000001, 0x0A000002, (ushort)(1000 + i), 53, payload);
        return PacketBuilder.Ethernet(frame, 0x0800, ip[..ipLength]);
    }
}
