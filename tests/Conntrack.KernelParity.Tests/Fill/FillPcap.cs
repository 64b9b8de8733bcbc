using Conntrack.Capture;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// Writes a fill's packets as two Ethernet pcaps from a0 to b0: the packets to send at once, and those
/// that must come later (<see cref="FillPackets.Of"/>'s Late). Timestamps only keep the order: tcpreplay
/// sends at top speed.
/// </summary>
internal static class FillPcap
{
    private const long StartNanoseconds = 1_767_225_600L * 1_000_000_000L;

    /// <summary>Writes both files; returns how many frames each holds.</summary>
    public static (int Now, int Late) Write(IReadOnlyList<FillGroup> groups, int firstSlot, ulong senderMac, ulong routerMac, string nowPath, string latePath)
    {
        using var nowFile = new FrameFile(nowPath, senderMac, routerMac);
        using var lateFile = new FrameFile(latePath, senderMac, routerMac);
        for (int g = 0; g < groups.Count; g++)
        {
            for (int i = 0; i < groups[g].Count; i++)
            {
                foreach (var (packet, late) in FillPackets.Of(groups[g], firstSlot + g, i))
                    (late ? lateFile : nowFile).Add(packet);
            }
        }
        return (nowFile.Frames, lateFile.Frames);
    }

    private sealed class FrameFile(string path, ulong senderMac, ulong routerMac) : IDisposable
    {
        private readonly Stream _stream = new BufferedStream(File.Create(path), 1 << 20);
        private readonly byte[] _frame = new byte[2048];
        private PcapWriter? _writer;

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
