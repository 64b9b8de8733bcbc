using System.Buffers.Text;
using System.Text;
using Conntrack.Flows;
using Conntrack.Formats;
using Conntrack.Host.Netlink;
using Conntrack.Protocols;
using Conntrack.Table;

namespace Conntrack.Host.Listing;

/// <summary>
/// A kernel entry as one line of <c>conntrack -L</c> / <c>-E</c>, byte for byte as libnetfilter_conntrack's
/// default printer writes it: every field is printed only when its attribute was sent, in the printer's order,
/// each followed by one space except the last. Writes UTF-8 into a span, allocates nothing.
/// </summary>
public static class ConntrackLine
{
    private static readonly byte[][] L4Prefix = BuildL4Prefixes();
    private static readonly byte[][] StateText = BuildStateTexts();

    /// <summary>The longest line written: two IPv6 tuples with counters and every optional field, a security context cut at 1024 bytes.</summary>
    public const int MaxLength = 2048;
    private const int MaxSecContext = 1024;

    /// <summary>
    /// Writes the line and its newline into <paramref name="d"/> (at least <see cref="MaxLength"/> bytes) and returns
    /// the bytes written; <paramref name="nowSeconds"/> is the wall clock for <c>delta-time</c> of live entries (conntrack uses time()).
    /// </summary>
    public static int Write(Span<byte> d, in KernelEntry e, ConntrackLineFormat format, long nowSeconds)
    {
        int n = 0;
        if ((format & ConntrackLineFormat.Extended) != 0)
            n += Copy(d, e.Family == IpFamily.V6 ? "ipv6     10 "u8 : e.Family == IpFamily.V4 ? "ipv4     2 "u8 : "unknown  0 "u8);
        n += Copy(d[n..], L4Prefix[e.Original.Protocol]);
        if (e.Has(EntryAttributes.Timeout))
            n += Number(d[n..], e.Timeout);
        if (e.State is var state && state != StateId.Absent)
            n += Copy(d[n..], StateText[(int)state]);
        n += Tuple(d[n..], e.Original);
        if (e.Has(EntryAttributes.OriginalZone))
            n += Field(d[n..], "zone-orig="u8, e.Original.Zone);
        if (e.Has(EntryAttributes.CountersOriginal))
            n += Counters(d[n..], e.PacketsOriginal, e.BytesOriginal);
        if (e.Has(EntryAttributes.Status) && (e.Status & EntryStatus.SeenReply) == 0)
            n += Copy(d[n..], "[UNREPLIED] "u8);
        n += Tuple(d[n..], e.Reply);
        if (e.Has(EntryAttributes.ReplyZone))
            n += Field(d[n..], "zone-reply="u8, e.Reply.Zone);
        if (e.Has(EntryAttributes.CountersReply))
            n += Counters(d[n..], e.PacketsReply, e.BytesReply);
        n += Copy(d[n..], (e.Status & EntryStatus.HwOffload) != 0 ? "[HW_OFFLOAD] "u8
            : (e.Status & EntryStatus.Offload) != 0 ? "[OFFLOAD] "u8
            : (e.Status & EntryStatus.Assured) != 0 ? "[ASSURED] "u8 : default);
        n += Trailer(d[n..], e, format, nowSeconds);
        if (n > 0 && d[n - 1] == ' ')
            n--;
        d[n++] = (byte)'\n';
        return n;
    }

    /// <summary>mark, secmark, secctx, zone, delta-time, helper, use, id: the fields after the tuples.</summary>
    private static int Trailer(Span<byte> d, in KernelEntry e, ConntrackLineFormat format, long nowSeconds)
    {
        int n = 0;
        if (e.Has(EntryAttributes.Mark))
            n += Field(d, "mark="u8, e.Mark);
        if (e.Has(EntryAttributes.Secmark))
            n += Field(d[n..], "secmark="u8, e.Secmark);
        if (e.Has(EntryAttributes.SecContext) && e.SecContext is { } context)
            n += Text(d[n..], "secctx="u8, context);
        if (e.Has(EntryAttributes.Zone))
            n += Field(d[n..], "zone="u8, e.Zone);
        if (e.Has(EntryAttributes.TimestampStart))
        {
            // libnetfilter_conntrack truncates both ends to whole seconds before subtracting.
            long end = e.Has(EntryAttributes.TimestampStop) ? (long)(e.Stop / 1_000_000_000) : nowSeconds;
            n += Field(d[n..], "delta-time="u8, (ulong)Math.Max(0, end - (long)(e.Start / 1_000_000_000)));
        }
        if (e.Has(EntryAttributes.Helper) && e.Helper is { } helper)
            n += Text(d[n..], "helper="u8, helper);
        if (e.Has(EntryAttributes.Use))
            n += Field(d[n..], "use="u8, e.Use);
        if ((format & ConntrackLineFormat.Id) != 0 && e.Has(EntryAttributes.Id))
            n += Field(d[n..], "id="u8, e.Id);
        return n;
    }

    /// <summary><c>src=… dst=… </c> then ports, GRE keys or ICMP type/code/id, as the printer's per-protocol hooks do.</summary>
    public static int Tuple(Span<byte> d, in FlowTuple t)
    {
        int n = Copy(d, "src="u8);
        n += Address(d[n..], t, source: true);
        n += Copy(d[n..], " dst="u8);
        n += Address(d[n..], t, source: false);
        d[n++] = (byte)' ';
        byte protocol = t.Protocol;
        if (FlowTuple.HasPorts(protocol))
        {
            n += Field(d[n..], "sport="u8, t.SrcId);
            n += Field(d[n..], "dport="u8, t.DstId);
        }
        else if (protocol == IpProtocol.Gre)
        {
            n += Hex(d[n..], "srckey=0x"u8, t.SrcId);
            n += Hex(d[n..], "dstkey=0x"u8, t.DstId);
        }
        else if (protocol is IpProtocol.Icmp or IpProtocol.IcmpV6)
        {
            n += Field(d[n..], "type="u8, t.IcmpType);
            n += Field(d[n..], "code="u8, t.IcmpCode);
            n += Field(d[n..], "id="u8, t.SrcId);
        }
        return n;
    }

    /// <summary>One address as conntrack prints it: dotted IPv4, IPv6 compressed as inet_ntop.</summary>
    public static int Address(Span<byte> d, in FlowTuple t, bool source) =>
        t.Family == IpFamily.V6
            ? TupleText.WriteIpv6Compressed(d, source ? t.SrcHi : t.DstHi, source ? t.SrcLo : t.DstLo)
            : TupleText.WriteIpv4(d, source ? t.SrcV4 : t.DstV4);

    private static int Counters(Span<byte> d, ulong packets, ulong bytes)
    {
        int n = Field(d, "packets="u8, packets);
        return n + Field(d[n..], "bytes="u8, bytes);
    }

    private static int Field(Span<byte> d, ReadOnlySpan<byte> name, ulong value)
    {
        int n = Copy(d, name);
        return n + Number(d[n..], value);
    }

    private static int Hex(Span<byte> d, ReadOnlySpan<byte> name, ushort value)
    {
        int n = Copy(d, name);
        Utf8Formatter.TryFormat(value, d[n..], out int written, new System.Buffers.StandardFormat('x'));
        d[n + written] = (byte)' ';
        return n + written + 1;
    }

    private static int Text(Span<byte> d, ReadOnlySpan<byte> name, string value)
    {
        int n = Copy(d, name);
        var chars = value.AsSpan(0, Math.Min(value.Length, MaxSecContext / 4));
        n += Encoding.UTF8.GetBytes(chars, d[n..]);
        d[n++] = (byte)' ';
        return n;
    }

    /// <summary>A decimal number and its space.</summary>
    private static int Number(Span<byte> d, ulong value)
    {
        Utf8Formatter.TryFormat(value, d, out int written);
        d[written] = (byte)' ';
        return written + 1;
    }

    private static int Copy(Span<byte> d, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(d);
        return bytes.Length;
    }

    /// <summary><c>%-8s %u </c> of every protocol number: tcp, udp, … by Core's names, anything else "unknown".</summary>
    private static byte[][] BuildL4Prefixes()
    {
        var prefixes = new byte[256][];
        for (int p = 0; p < 256; p++)
            prefixes[p] = Encoding.ASCII.GetBytes(IpProtocol.Name((byte)p).PadRight(8) + " " + p.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ");
        return prefixes;
    }

    private static byte[][] BuildStateTexts()
    {
        var texts = new byte[256][];
        for (int s = 0; s < 256; s++)
            texts[s] = Encoding.ASCII.GetBytes(StateNames.Name((StateId)s) + " ");
        return texts;
    }
}
