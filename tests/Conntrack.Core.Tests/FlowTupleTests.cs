using System.Net;
using System.Runtime.CompilerServices;
using Conntrack.Flows;

namespace Conntrack.Core.Tests;

public sealed class FlowTupleTests
{
    private const uint A = 0x0A000001; // 10.0.0.1
    private const uint B = 0xC0A80102; // 192.168.1.2

    [Fact]
    public void Tuple_is_40_bytes() => Assert.Equal(40, Unsafe.SizeOf<FlowTuple>());

    // Reference §1.3: addresses swapped, ports swapped, protocol/family/zone kept.
    [Theory]
    [InlineData(IpProtocol.Tcp)]
    [InlineData(IpProtocol.Udp)]
    [InlineData(IpProtocol.UdpLite)]
    [InlineData(IpProtocol.Sctp)]
    [InlineData(IpProtocol.Dccp)]
    public void Port_protocols_swap_addresses_and_ports(byte protocol)
    {
        var t = FlowTuple.V4(A, B, protocol, 40000, 443, zone: 3);
        Assert.True(t.TryInvert(out var r));
        Assert.Equal(B, r.SrcV4);
        Assert.Equal(A, r.DstV4);
        Assert.Equal(443, r.SrcId);
        Assert.Equal(40000, r.DstId);
        Assert.Equal(protocol, r.Protocol);
        Assert.Equal(IpFamily.V4, r.Family);
        Assert.Equal(3, r.Zone);
        Assert.True(r.TryInvert(out var back));
        Assert.Equal(t, back);
    }

    // Reference §1.3 invmap: only query/reply pairs invert; id and code are kept.
    [Theory]
    [InlineData(8, 0)]
    [InlineData(0, 8)]
    [InlineData(13, 14)]
    [InlineData(14, 13)]
    [InlineData(15, 16)]
    [InlineData(16, 15)]
    [InlineData(17, 18)]
    [InlineData(18, 17)]
    public void Icmp_query_types_invert_keeping_id_and_code(byte type, byte replyType)
    {
        const byte code = 5;
        var t = FlowTuple.V4(A, B, IpProtocol.Icmp, 4660, (ushort)((type << 8) | code));
        Assert.True(t.TryInvert(out var r));
        Assert.Equal(replyType, r.IcmpType);
        Assert.Equal(code, r.IcmpCode);
        Assert.Equal(4660, r.SrcId);
        Assert.Equal(B, r.SrcV4);
        Assert.Equal(A, r.DstV4);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(19)]
    [InlineData(255)]
    public void Other_icmp_types_do_not_invert(byte type)
    {
        var t = FlowTuple.V4(A, B, IpProtocol.Icmp, 1, (ushort)(type << 8));
        Assert.False(t.TryInvert(out _));
    }

    [Theory]
    [InlineData(128, 129)]
    [InlineData(129, 128)]
    [InlineData(139, 140)]
    [InlineData(140, 139)]
    public void Icmpv6_query_types_invert(byte type, byte replyType)
    {
        var t = V6("2001:db8::1", "2001:db8::2", IpProtocol.IcmpV6, 77, (ushort)(type << 8));
        Assert.True(t.TryInvert(out var r));
        Assert.Equal(replyType, r.IcmpType);
        Assert.Equal(0, r.IcmpCode);
        Assert.Equal(77, r.SrcId);
        Assert.Equal(t.SrcHi, r.DstHi);
        Assert.Equal(t.SrcLo, r.DstLo);
        Assert.Equal(t.DstLo, r.SrcLo);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(130)]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(141)]
    public void Other_icmpv6_types_do_not_invert(byte type)
    {
        var t = V6("2001:db8::1", "2001:db8::2", IpProtocol.IcmpV6, 1, (ushort)(type << 8));
        Assert.False(t.TryInvert(out _));
    }

    // Reference §1.2/§5.4: generic protocols have no ports; the tuple is addresses + protocol.
    [Theory]
    [InlineData(50)]
    [InlineData(51)]
    [InlineData(89)]
    [InlineData(253)]
    public void Generic_protocols_have_no_ports(byte protocol)
    {
        Assert.False(FlowTuple.HasPorts(protocol));
        var t = FlowTuple.V4(A, B, protocol, 0, 0);
        Assert.True(t.TryInvert(out var r));
        Assert.Equal(FlowTuple.V4(B, A, protocol, 0, 0), r);
        Assert.Equal(0, r.SrcId);
        Assert.Equal(0, r.DstId);
    }

    [Fact]
    public void Equality_covers_every_field()
    {
        var t = FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2);
        Assert.Equal(FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2), t);
        Assert.True(t == FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2));
        Assert.Equal(t.GetHashCode(), FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2).GetHashCode());
        Assert.NotEqual(FlowTuple.V4(A + 1, B, IpProtocol.Tcp, 1, 2), t);
        Assert.NotEqual(FlowTuple.V4(A, B + 1, IpProtocol.Tcp, 1, 2), t);
        Assert.NotEqual(FlowTuple.V4(A, B, IpProtocol.Udp, 1, 2), t);
        Assert.NotEqual(FlowTuple.V4(A, B, IpProtocol.Tcp, 2, 2), t);
        Assert.NotEqual(FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 3), t);
        Assert.NotEqual(FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2, zone: 1), t);
        Assert.True(t != FlowTuple.V4(B, A, IpProtocol.Tcp, 2, 1));
        Assert.False(t.Equals((object)"not a tuple"));
    }

    [Fact]
    public void Ipv4_and_ipv4_mapped_ipv6_differ()
    {
        var v4 = FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2);
        var mapped = V6("::ffff:10.0.0.1", "::ffff:192.168.1.2", IpProtocol.Tcp, 1, 2);
        Assert.NotEqual(v4, mapped);
    }

    [Fact]
    public void Ipv6_tuple_keeps_both_halves_and_writes_them_back()
    {
        var src = IPAddress.Parse("2001:db8:1:2:3:4:5:6").GetAddressBytes();
        var dst = IPAddress.Parse("fe80::abcd").GetAddressBytes();
        var t = FlowTuple.V6(src, dst, IpProtocol.Udp, 53, 5353);
        Assert.Equal(IpFamily.V6, t.Family);
        Assert.Equal(0x20010db800010002UL, t.SrcHi);
        Assert.Equal(0x0003000400050006UL, t.SrcLo);
        Span<byte> buf = stackalloc byte[16];
        t.WriteSource(buf);
        Assert.Equal(src, buf.ToArray());
        t.WriteDestination(buf);
        Assert.Equal(dst, buf.ToArray());
        Assert.True(t.TryInvert(out var r));
        r.WriteSource(buf);
        Assert.Equal(dst, buf.ToArray());
        Assert.Equal(5353, r.SrcId);
        // Same words from the ulong constructor.
        Assert.Equal(t, FlowTuple.V6(t.SrcHi, t.SrcLo, t.DstHi, t.DstLo, IpProtocol.Udp, 53, 5353));
        // Tuples differing only in the high half are different flows.
        Assert.NotEqual(t, FlowTuple.V6(t.SrcHi ^ 1, t.SrcLo, t.DstHi, t.DstLo, IpProtocol.Udp, 53, 5353));
    }

    [Fact]
    public void Ipv4_address_is_written_as_first_four_bytes_zero_filled()
    {
        var t = FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2);
        Span<byte> buf = stackalloc byte[16];
        buf.Fill(0xEE);
        t.WriteSource(buf);
        Assert.Equal(new byte[] { 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, buf.ToArray());
    }

    [Fact]
    public void ToString_uses_compressed_form()
    {
        Assert.Equal("src=10.0.0.1 dst=192.168.1.2 sport=1 dport=2", FlowTuple.V4(A, B, IpProtocol.Tcp, 1, 2).ToString());
        Assert.Equal("src=::1 dst=::2 type=128 code=0 id=9", V6("::1", "::2", IpProtocol.IcmpV6, 9, 128 << 8).ToString());
    }

    internal static FlowTuple V6(string src, string dst, byte protocol, ushort srcId, ushort dstId) =>
        FlowTuple.V6(IPAddress.Parse(src).GetAddressBytes(), IPAddress.Parse(dst).GetAddressBytes(), protocol, srcId, dstId);
}
