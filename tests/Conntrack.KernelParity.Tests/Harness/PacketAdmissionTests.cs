using System.Net;
using Conntrack.KernelParity.Tests.Preparation;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>Which packets the preparer leaves out because B's kernel would refuse them before confirmation.</summary>
public sealed class PacketAdmissionTests
{
    [Theory]
    [InlineData("10.1.1.1", "10.2.2.2", null)]
    [InlineData("0.0.0.0", "255.255.255.255", null)]
    [InlineData("10.1.1.1", "224.0.0.1", null)]
    [InlineData("10.1.1.1", "224.0.0.251", nameof(PacketSkip.UnjoinedMulticast))]
    [InlineData("0.0.0.0", "10.2.2.2", nameof(PacketSkip.MartianSource))]
    [InlineData("127.0.0.1", "127.0.0.1", nameof(PacketSkip.MartianSource))]
    [InlineData("10.1.1.1", "127.0.0.1", nameof(PacketSkip.MartianDestination))]
    [InlineData("10.1.1.1", "0.1.2.3", nameof(PacketSkip.MartianDestination))]
    [InlineData("224.1.1.1", "10.2.2.2", nameof(PacketSkip.MartianSource))]
    [InlineData("255.255.255.255", "10.2.2.2", nameof(PacketSkip.MartianSource))]
    [InlineData("10.202.255.2", "10.2.2.2", nameof(PacketSkip.TopologyAddress))]
    [InlineData("2001:db8::1", "2001:db8::2", null)]
    [InlineData("fe80::1", "ff02::1", null)]
    [InlineData("fe80::1", "ff02::2", null)]
    [InlineData("2001:db8::1", "ff02::fb", nameof(PacketSkip.UnjoinedMulticast))]
    [InlineData("::1", "::1", nameof(PacketSkip.Ipv6LoopbackOrUnspecified))]
    [InlineData("::", "2001:db8::2", nameof(PacketSkip.Ipv6LoopbackOrUnspecified))]
    [InlineData("fe80::1", "2001:db8::2", nameof(PacketSkip.Ipv6LinkLocal))]
    [InlineData("2001:db8::1", "fe80::2", nameof(PacketSkip.Ipv6LinkLocal))]
    [InlineData("fd00:202::5", "2001:db8::2", nameof(PacketSkip.TopologyAddress))]
    public void Addresses_decide_admission(string src, string dst, string? skip)
    {
        // The reason travels as its name: the enum is internal to the harness.
        PacketSkip? expected = skip is null ? null : Enum.Parse<PacketSkip>(skip);
        byte[] packet = Packet(IPAddress.Parse(src), IPAddress.Parse(dst));
        Assert.Equal(expected, PacketAdmission.Examine(packet, out int length));
        if (expected is null)
            Assert.Equal(packet.Length - 4, length); // the 4 bytes of link padding are not part of the packet
    }

    [Fact]
    public void Snap_length_cut_packets_are_truncated()
    {
        byte[] packet = Packet(IPAddress.Parse("10.1.1.1"), IPAddress.Parse("10.2.2.2"));
        Assert.Equal(PacketSkip.Truncated, PacketAdmission.Examine(packet.AsSpan(0, 24), out _));
    }

    /// <summary>A 28-byte IPv4 or 48-byte IPv6 packet with 8 bytes of payload, followed by 4 bytes of link padding.</summary>
    private static byte[] Packet(IPAddress src, IPAddress dst)
    {
        byte[] s = src.GetAddressBytes(), d = dst.GetAddressBytes();
        if (s.Length == 4)
        {
            byte[] v4 = new byte[28 + 4];
            v4[0] = 0x45;
            v4[3] = 28;
            v4[8] = 64;
            v4[9] = 253;
            s.CopyTo(v4, 12);
            d.CopyTo(v4, 16);
            return v4;
        }
        byte[] v6 = new byte[48 + 4];
        v6[0] = 0x60;
        v6[5] = 8;
        v6[6] = 253;
        v6[7] = 64;
        s.CopyTo(v6, 8);
        d.CopyTo(v6, 24);
        return v6;
    }
}
