using Conntrack.Capture;

namespace Conntrack.Analysis.Scenarios;

/// <summary>
/// Collects generated IP packets with their send times, then writes them in time order as an
/// Ethernet pcap. Generation is a cold path: packets are kept as arrays until written.
/// </summary>
public sealed class TrafficSchedule
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;

    private readonly List<(long Time, long Sequence, byte[] Packet)> _packets = [];
    private readonly byte[] _scratch = new byte[65600];
    private long _sequence;

    public int Count => _packets.Count;

    /// <summary>Builds a packet into scratch space with <paramref name="build"/> and schedules a copy at <paramref name="time"/>.</summary>
    public void Add(long time, Func<Span<byte>, int> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        int length = build(_scratch);
        _packets.Add((time, _sequence++, _scratch.AsSpan(0, length).ToArray()));
    }

    /// <summary>Writes every packet, ordered by time (ties keep insertion order), as Ethernet frames.</summary>
    public void WritePcap(Stream output)
    {
        _packets.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Sequence.CompareTo(b.Sequence));
        var writer = new PcapWriter(output, LinkType.Ethernet, nanosecondResolution: true);
        var frame = new byte[65600 + 64];
        foreach (var (time, _, packet) in _packets)
        {
            ushort etherType = (packet[0] >> 4) == 6 ? EtherTypeIpv6 : EtherTypeIpv4;
            int length = PacketBuilder.Ethernet(frame, etherType, packet);
            writer.Write(time, frame.AsSpan(0, length));
        }
        output.Flush();
    }
}
