using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Conntrack.Flows;
using Conntrack.Formats;

namespace Conntrack.Core.Tests;

public sealed class TupleTextTests
{
    public static TheoryData<string, string> Compressed() => new()
    {
        { "::1", "::1" },
        { "::", "::" },
        { "2001:db8::1", "2001:db8::1" },
        // Two runs of equal length: the first is compressed (glibc inet_ntop6).
        { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
        // The longer run wins even when it comes second.
        { "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
        // Embedded IPv4 for IPv4-mapped and IPv4-compatible addresses.
        { "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
        { "::1.2.3.4", "::1.2.3.4" },
        { "fe80::1:2", "fe80::1:2" },
        // A single zero group is not compressed.
        { "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
        { "1::", "1::" },
        { "1:0:0:0:0:0:0:0", "1::" },
        { "0:0:1::", "0:0:1::" },
        { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
        { "2001:DB8:ABCD::", "2001:db8:abcd::" },
        // Leading zeros inside a group are dropped.
        { "2001:0db8:000a:0000:0000:0000:0000:0001", "2001:db8:a::1" },
    };

    // Reference §8.2: conntrack -L prints IPv6 with inet_ntop (compressed).
    [Theory]
    [MemberData(nameof(Compressed))]
    public void Compressed_form_matches_inet_ntop(string address, string expected)
    {
        Assert.Equal(expected, Compress(address));
        if (OperatingSystem.IsLinux())
            Assert.Equal(LibcInetNtop(address), Compress(address));
    }

    // Reference §8.1: /proc prints %pI6, eight groups of four lowercase hex digits.
    [Theory]
    [InlineData("::1", "0000:0000:0000:0000:0000:0000:0000:0001")]
    [InlineData("::", "0000:0000:0000:0000:0000:0000:0000:0000")]
    [InlineData("2001:DB8::A:1", "2001:0db8:0000:0000:0000:0000:000a:0001")]
    [InlineData("::ffff:1.2.3.4", "0000:0000:0000:0000:0000:ffff:0102:0304")]
    [InlineData("fe80::1:2", "fe80:0000:0000:0000:0000:0000:0001:0002")]
    public void Full_form_is_eight_groups_of_four_digits(string address, string expected)
    {
        var (hi, lo) = Halves(address);
        var sb = new StringBuilder();
        TupleText.AppendIpv6Full(sb, hi, lo);
        Assert.Equal(expected, sb.ToString());
    }

    [Theory]
    [InlineData(0x00000000u, "0.0.0.0")]
    [InlineData(0x7F000001u, "127.0.0.1")]
    [InlineData(0xFFFFFFFFu, "255.255.255.255")]
    [InlineData(0x0A630102u, "10.99.1.2")]
    public void Ipv4_dotted_quad(uint address, string expected)
    {
        var sb = new StringBuilder();
        TupleText.AppendIpv4(sb, address);
        Assert.Equal(expected, sb.ToString());
    }

    [Fact]
    public void Tuple_fields_per_protocol()
    {
        Assert.Equal("src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80",
            TupleText.Format(FlowTuple.V4(0x0A000001, 0x0A000002, IpProtocol.Tcp, 40000, 80), compressIpv6: true));
        Assert.Equal("src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=4660",
            TupleText.Format(FlowTuple.V4(0x0A000001, 0x0A000002, IpProtocol.Icmp, 4660, 8 << 8), compressIpv6: true));
        Assert.Equal("src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x0",
            TupleText.Format(FlowTuple.V4(0x0A000001, 0x0A000002, IpProtocol.Gre, 0, 0), compressIpv6: true));
        Assert.Equal("src=10.0.0.1 dst=10.0.0.2",
            TupleText.Format(FlowTuple.V4(0x0A000001, 0x0A000002, 50, 0, 0), compressIpv6: true));
        var v6 = FlowTupleTests.V6("::1", "2001:db8::2", IpProtocol.Udp, 5, 6);
        Assert.Equal("src=::1 dst=2001:db8::2 sport=5 dport=6", TupleText.Format(v6, compressIpv6: true));
        Assert.Equal("src=0000:0000:0000:0000:0000:0000:0000:0001 dst=2001:0db8:0000:0000:0000:0000:0000:0002 sport=5 dport=6",
            TupleText.Format(v6, compressIpv6: false));
    }

    private static string Compress(string address)
    {
        var (hi, lo) = Halves(address);
        var sb = new StringBuilder();
        TupleText.AppendIpv6Compressed(sb, hi, lo);
        return sb.ToString();
    }

    private static (ulong Hi, ulong Lo) Halves(string address)
    {
        var t = FlowTuple.V6(IPAddress.Parse(address).GetAddressBytes(), new byte[16], 0, 0, 0);
        return (t.SrcHi, t.SrcLo);
    }

    private static string LibcInetNtop(string address)
    {
        const int AfInet6 = 10;
        byte[] src = IPAddress.Parse(address).GetAddressBytes();
        byte[] dst = new byte[64];
        Assert.NotEqual(IntPtr.Zero, InetNtop(AfInet6, src, dst, (uint)dst.Length));
        return Encoding.ASCII.GetString(dst, 0, Array.IndexOf(dst, (byte)0));
    }

#pragma warning disable SYSLIB1054 // a plain DllImport keeps the test project free of unsafe code
    [DllImport("libc", EntryPoint = "inet_ntop")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr InetNtop(int af, byte[] src, byte[] dst, uint size);
#pragma warning restore SYSLIB1054
}
