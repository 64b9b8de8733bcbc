using Conntrack.Capture;
using Conntrack.Settings;
using Conntrack.Table;
using static Conntrack.TestData.Pkt;

namespace Conntrack.Core.Tests;

/// <summary>
/// An IPv6 atomic fragment (fragment header, offset 0, no more fragments) parses as a whole packet,
/// but reassembly still queues it, as nf_ct_frag6_gather does. A batch must take it through
/// reassembly too, or it tracks what one by one discards. Found by fuzzing (fuzz/regressions/packets).
/// </summary>
public class AtomicFragmentBatchTests
{
    private static byte[] AtomicFragment(uint identification, int keep = int.MaxValue)
    {
        var buffer = new byte[256];
        byte[] udp = Udp("2001:db8::1", 5000, "2001:db8::2", 53, payload: 16);
        udp.CopyTo(buffer, 0);
        int length = PacketBuilder.AddIpv6Fragment(buffer, udp.Length, identification);
        return buffer[..Math.Min(length, keep)];
    }

    [Theory]
    [InlineData("cut by the snap length", 60)]
    [InlineData("whole", int.MaxValue)]
    public void Batch_tracks_an_atomic_fragment_as_one_by_one(string what, int keep)
    {
        // The same atomic fragment twice: the second repeats a completed datagram.
        byte[] packet = AtomicFragment(0xabcd, keep);
        byte[] data = [.. packet, .. packet];
        PacketSlice[] slices = [new(0, packet.Length, 1_000_000_000), new(packet.Length, packet.Length, 1_001_000_000)];
        var single = new ConntrackTable(new ConntrackSettings(), seed: 1);
        PacketVerdict[] expected = [.. slices.Select(s => single.Process(data.AsSpan(s.Offset, s.Length), s.Timestamp))];

        var batched = new ConntrackTable(new ConntrackSettings(), seed: 1);
        var verdicts = new PacketVerdict[slices.Length];
        batched.ProcessBatch(data, slices, verdicts);

        Assert.True(expected.SequenceEqual(verdicts), $"{what}: one by one {string.Join(", ", expected)}, batch {string.Join(", ", verdicts)}");
        Assert.Equal(single.Count, batched.Count);
    }
}
