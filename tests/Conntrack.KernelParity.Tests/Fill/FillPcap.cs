using Conntrack.Capture;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// Writes a fill's packets as Ethernet pcaps from a0 to b0: the packets to send at once, dealt entry by
/// entry into <c>senders</c> files that tcpreplay processes send side by side (each entry's packets stay
/// in one file, in order), and one file of those that must come later (<see cref="FillPackets.Of"/>'s Late).
/// Timestamps only keep the order: tcpreplay sends at top speed.
/// </summary>
internal static class FillPcap
{
    private const long StartNanoseconds = 1_767_225_600L * 1_000_000_000L;

    /// <summary>One written file and how many frames it holds.</summary>
    public readonly record struct File(string Path, int Frames);

    /// <summary>Writes the files into <paramref name="directory"/>; returns the ones to send at once and the late one.</summary>
    public static (File[] Now, File Late) Write(IReadOnlyList<FillGroup> groups, int firstSlot, ulong senderMac, ulong routerMac, string directory, int senders)
    {
        var now = new FrameFile[senders];
        for (int s = 0; s < senders; s++)
            now[s] = new FrameFile(System.IO.Path.Combine(directory, $"now-{s}.pcap"), senderMac, routerMac);
        using var late = new FrameFile(System.IO.Path.Combine(directory, "late.pcap"), senderMac, routerMac);
        try
        {
            int entry = 0;
            for (int g = 0; g < groups.Count; g++)
            {
                for (int i = 0; i < groups[g].Count; i++, entry++)
                {
                    foreach (var (packet, isLate) in FillPackets.Of(groups[g], firstSlot + g, i))
                        (isLate ? late : now[entry % senders]).Add(packet);
                }
            }
        }
        finally
        {
            foreach (var file in now)
                file.Dispose();
        }
        return ([.. now.Select(f => new File(f.Path, f.Frames))], new File(late.Path, late.Frames));
    }

    private sealed class FrameFile(string path, ulong senderMac, ulong routerMac) : IDisposable
    {
        private readonly Stream _stream = new BufferedStream(System.IO.File.Create(path), 1 << 20);
        private readonly byte[] _frame = new byte[2048];
        private PcapWriter? _writer;

        public string Path => path;

        public int Frames { get; private set; }

        public void Add(byte[] ipPacket)
        {
            _writer ??= new PcapWriter(_stream, LinkType.Ethernet, nanosecondResolution: true);
            ushort etherType = ipPacket[0] >> 4 == 4 ? (ushort)0x0800 : (ushort)0x86DD;
            int n = PacketBuilder.Ethernet(_frame, routerMac, senderMac, etherType, ipPacket);
            _writer.Write(StartNanoseconds + (Frames * 1000L), _frame.AsSpan(0, n));
            Frames++;
        }

        public void Dispose() => _stream.Dispose();
    }
}
