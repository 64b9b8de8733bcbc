using System.Globalization;
using System.Text;
using Conntrack.Flows;

namespace Conntrack.Formats;

/// <summary>Text forms of tuples and addresses as /proc/net/nf_conntrack and conntrack(8) print them.</summary>
public static class TupleText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <c>src=… dst=… sport=… dport=…</c> (or ICMP <c>type= code= id=</c>, GRE <c>srckey= dstkey=</c>),
    /// without a trailing space.
    /// </summary>
    public static string Format(in FlowTuple tuple, bool compressIpv6)
    {
        var sb = new StringBuilder(96);
        Append(sb, tuple, compressIpv6);
        if (sb.Length > 0 && sb[^1] == ' ')
            sb.Length--;
        return sb.ToString();
    }

    /// <summary>Appends the tuple with a trailing space after every field, as the kernel does.</summary>
    public static void Append(StringBuilder sb, in FlowTuple tuple, bool compressIpv6)
    {
        sb.Append("src=");
        AppendAddress(sb, tuple, source: true, compressIpv6);
        sb.Append(" dst=");
        AppendAddress(sb, tuple, source: false, compressIpv6);
        sb.Append(' ');
        byte protocol = tuple.Protocol;
        if (FlowTuple.HasPorts(protocol))
        {
            sb.Append("sport=").Append(tuple.SrcId.ToString(Inv)).Append(" dport=").Append(tuple.DstId.ToString(Inv)).Append(' ');
        }
        else if (protocol is IpProtocol.Icmp or IpProtocol.IcmpV6)
        {
            sb.Append("type=").Append(tuple.IcmpType.ToString(Inv)).Append(" code=").Append(tuple.IcmpCode.ToString(Inv))
              .Append(" id=").Append(tuple.SrcId.ToString(Inv)).Append(' ');
        }
        else if (protocol == IpProtocol.Gre)
        {
            sb.Append("srckey=0x").Append(tuple.SrcId.ToString("x", Inv)).Append(" dstkey=0x").Append(tuple.DstId.ToString("x", Inv)).Append(' ');
        }
    }

    public static void AppendAddress(StringBuilder sb, in FlowTuple tuple, bool source, bool compressIpv6)
    {
        if (tuple.Family == IpFamily.V4)
        {
            AppendIpv4(sb, source ? tuple.SrcV4 : tuple.DstV4);
            return;
        }
        ulong hi = source ? tuple.SrcHi : tuple.DstHi;
        ulong lo = source ? tuple.SrcLo : tuple.DstLo;
        if (compressIpv6)
            AppendIpv6Compressed(sb, hi, lo);
        else
            AppendIpv6Full(sb, hi, lo);
    }

    public static void AppendIpv4(StringBuilder sb, uint address) =>
        sb.Append((address >> 24).ToString(Inv)).Append('.').Append(((address >> 16) & 0xFF).ToString(Inv)).Append('.')
          .Append(((address >> 8) & 0xFF).ToString(Inv)).Append('.').Append((address & 0xFF).ToString(Inv));

    /// <summary>The kernel's <c>%pI6</c>: eight groups of four lowercase hex digits.</summary>
    public static void AppendIpv6Full(StringBuilder sb, ulong hi, ulong lo)
    {
        for (int i = 0; i < 8; i++)
        {
            if (i > 0)
                sb.Append(':');
            sb.Append(Group(hi, lo, i).ToString("x4", Inv));
        }
    }

    /// <summary>inet_ntop(3) as glibc writes it: longest run (≥ 2) of zero groups as <c>::</c>, embedded IPv4 for ::a.b.c.d and ::ffff:a.b.c.d.</summary>
    public static void AppendIpv6Compressed(StringBuilder sb, ulong hi, ulong lo)
    {
        Span<byte> text = stackalloc byte[Ipv6MaxLength];
        int length = WriteIpv6Compressed(text, hi, lo);
        for (int i = 0; i < length; i++)
            sb.Append((char)text[i]);
    }

    /// <summary>The longest text <see cref="WriteIpv6Compressed"/> writes (ffff:…:255.255.255.255 is shorter than eight full groups).</summary>
    public const int Ipv6MaxLength = 39;

    /// <summary>The UTF-8 form of <see cref="AppendIpv4"/>; returns the bytes written (at most 15).</summary>
    public static int WriteIpv4(Span<byte> destination, uint address)
    {
        int n = WriteByte(destination, (byte)(address >> 24));
        destination[n++] = (byte)'.';
        n += WriteByte(destination[n..], (byte)(address >> 16));
        destination[n++] = (byte)'.';
        n += WriteByte(destination[n..], (byte)(address >> 8));
        destination[n++] = (byte)'.';
        return n + WriteByte(destination[n..], (byte)address);
    }

    /// <summary>The UTF-8 form of <see cref="AppendIpv6Compressed"/> (glibc's inet_ntop); returns the bytes written.</summary>
    public static int WriteIpv6Compressed(Span<byte> destination, ulong hi, ulong lo)
    {
        var (bestStart, bestLen) = LongestZeroRun(hi, lo);
        int n = 0;
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                destination[n++] = (byte)':';
                i += bestLen - 1;
                if (i == 7)
                    destination[n++] = (byte)':';
                continue;
            }
            if (i > 0)
                destination[n++] = (byte)':';
            // glibc prints an embedded IPv4 address for ::a.b.c.d and ::ffff:a.b.c.d.
            if (i == 6 && bestStart == 0 && (bestLen == 6 || (bestLen == 5 && Group(hi, lo, 5) == 0xFFFF)))
                return n + WriteIpv4(destination[n..], (uint)lo);
            n += WriteHex(destination[n..], Group(hi, lo, i));
        }
        return n;
    }

    /// <summary>Start and length of the first longest run of at least two zero groups; (-1, 0) when there is none.</summary>
    private static (int Start, int Length) LongestZeroRun(ulong hi, ulong lo)
    {
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8;)
        {
            if (Group(hi, lo, i) != 0)
            {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && Group(hi, lo, i) == 0)
                i++;
            if (i - start > bestLen)
            {
                bestStart = start;
                bestLen = i - start;
            }
        }
        return bestLen < 2 ? (-1, 0) : (bestStart, bestLen);
    }

    private static int WriteByte(Span<byte> destination, byte value)
    {
        if (value >= 100)
        {
            destination[0] = (byte)('0' + (value / 100));
            destination[1] = (byte)('0' + (value / 10 % 10));
            destination[2] = (byte)('0' + (value % 10));
            return 3;
        }
        if (value >= 10)
        {
            destination[0] = (byte)('0' + (value / 10));
            destination[1] = (byte)('0' + (value % 10));
            return 2;
        }
        destination[0] = (byte)('0' + value);
        return 1;
    }

    /// <summary>Lowercase hex without leading zeros.</summary>
    private static int WriteHex(Span<byte> destination, ushort value)
    {
        int digits = value >= 0x1000 ? 4 : value >= 0x100 ? 3 : value >= 0x10 ? 2 : 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[i] = "0123456789abcdef"u8[value & 0xF];
            value >>= 4;
        }
        return digits;
    }

    private static ushort Group(ulong hi, ulong lo, int index) =>
        (ushort)(index < 4 ? hi >> (48 - (16 * index)) : lo >> (48 - (16 * (index - 4))));
}
