using System.Buffers.Binary;
using System.Globalization;
using Conntrack.Flows;
using Conntrack.Host.Netlink;
using Conntrack.Table;
using Conntrack.TestData.Netlink;

namespace Conntrack.Host.Tests;

/// <summary>The decoder on replies captured from the 6.18 kernel (tests/Conntrack.TestData/Netlink), and on hostile variants of them.</summary>
public class NetlinkDecoderTests
{
    private sealed record Message(ushort Type, ushort Flags, byte[] Payload);

    private static List<Message> Messages(byte[] datagrams)
    {
        var list = new List<Message>();
        var reader = new NetlinkMessageReader(datagrams);
        while (reader.Next(out var m))
            list.Add(new Message(m.Type, m.Flags, m.Payload.ToArray()));
        Assert.False(reader.Malformed);
        return list;
    }

    private static List<KernelEntry> Entries(string fixture)
    {
        var decoder = new EntryDecoder();
        var entries = new List<KernelEntry>();
        foreach (var m in Messages(NetlinkFixtures.Bytes(fixture)).Where(m => m.Type == 0x0100))
        {
            var e = new KernelEntry();
            Assert.True(decoder.TryDecode(m.Payload, ref e, out string? problem), problem);
            entries.Add(e);
        }
        return entries;
    }

    [Fact]
    public void Every_decoded_attribute_of_a_dump_is_what_conntrack_printed_for_the_same_entry()
    {
        var lines = NetlinkFixtures.Lines("dump.conntrack-L.txt");
        var byId = KernelEntryText.LinesById(lines);
        var entries = Entries("dump.bin");
        Assert.Equal(lines.Length, entries.Count);
        foreach (var e in entries)
            Assert.Equal(byId[e.Id], KernelEntryText.Stable(e));
        // The dump was read just before conntrack -L: timeouts equal or one second more.
        var timeouts = lines.ToDictionary(l => uint.Parse(l[(l.LastIndexOf(" id=", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture),
            l => uint.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], CultureInfo.InvariantCulture));
        Assert.All(entries, e => Assert.InRange(e.Timeout, timeouts[e.Id], timeouts[e.Id] + 1));
    }

    [Fact]
    public void The_dump_carries_every_kind_the_fixture_namespace_had()
    {
        var entries = Entries("dump.bin");
        var tcp = Assert.Single(entries, e => e.Original.Protocol == IpProtocol.Tcp && e.Family == IpFamily.V4);
        Assert.Equal("ESTABLISHED", Protocols.StateNames.Name(tcp.State));
        Assert.Equal(7u, tcp.Mark);
        Assert.True(tcp.Has(EntryAttributes.TcpDetails | EntryAttributes.TimestampStart | EntryAttributes.CountersOriginal));
        Assert.Equal(EntryStatus.SeenReply | EntryStatus.Assured | EntryStatus.Confirmed, tcp.Status & (EntryStatus.SeenReply | EntryStatus.Assured | EntryStatus.Confirmed));
        var sctp = Assert.Single(entries, e => e.Original.Protocol == IpProtocol.Sctp);
        // conntrack 1.4.7 -I --orig-vtag 11 puts the tag on the wire in host order; the kernel keeps and returns those bytes.
        Assert.Equal((BinaryPrimitives.ReverseEndianness(11u), BinaryPrimitives.ReverseEndianness(22u)), (sctp.SctpVtagOriginal, sctp.SctpVtagReply));
        var zone5 = Assert.Single(entries, e => e.Has(EntryAttributes.Zone));
        Assert.Equal((5, 5, 5), (zone5.Zone, zone5.Original.Zone, zone5.Reply.Zone));
        var origZone = Assert.Single(entries, e => e.Has(EntryAttributes.OriginalZone));
        Assert.Equal((3, 0, 3), (origZone.Original.Zone, origZone.Reply.Zone, origZone.ZoneId));
        var gre = Assert.Single(entries, e => e.Original.Protocol == IpProtocol.Gre);
        Assert.Equal((0x10, 0x20), (gre.Original.SrcId, gre.Original.DstId));
        Assert.Single(entries, e => e.Original.Protocol == 50);
        Assert.Contains(entries, e => e.Mark == 42 && e.PacketsOriginal == 1 && e.BytesOriginal == 33);
        Assert.Contains(entries, e => e.Original.Protocol == IpProtocol.IcmpV6 && e.PacketsReply == 1);
        Assert.All(entries, e => Assert.True(e.Start > 1_700_000_000_000_000_000UL));
    }

    [Fact]
    public void A_family_filtered_dump_has_only_that_family()
    {
        var v6 = Entries("dump-ipv6.bin");
        Assert.Equal(NetlinkFixtures.Lines("dump.conntrack-L.txt").Count(l => l.StartsWith("ipv6", StringComparison.Ordinal)), v6.Count);
        Assert.All(v6, e => Assert.Equal(IpFamily.V6, e.Family));
    }

    [Fact]
    public void Per_cpu_statistics_print_as_conntrack_S_and_the_count_as_conntrack_C()
    {
        var rows = Messages(NetlinkFixtures.Bytes("stats-cpu.bin")).Where(m => m.Type == 0x0104)
            .Select(m => CpuStatistics.Decode(m.Payload)!).ToList();
        var text = rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"cpu={r.Cpu,-4}\t") + string.Concat(r.Values.Select(v => $"{v.Key}={v.Value} ")));
        Assert.Equal(NetlinkFixtures.Lines("stats-cpu.conntrack-S.txt"), text);
        var counters = CpuStatistics.Sum(rows, "fixture", null);
        Assert.Equal("ctnetlink", counters.Format);
        Assert.Equal(rows.Sum(r => (long)r.Get("insert")), counters.Get("insert"));

        var stats = Messages(NetlinkFixtures.Bytes("stats.bin"));
        Assert.Equal(0, ErrorOf(stats[^1]));
        var payload = stats.Single(m => m.Type == 0x0105).Payload;
        Assert.Equal(uint.Parse(NetlinkFixtures.Lines("stats.conntrack-C.txt")[0], CultureInfo.InvariantCulture), BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(8)));
    }

    [Fact]
    public void An_error_reply_carries_the_errno()
    {
        var error = Assert.Single(Messages(NetlinkFixtures.Bytes("error-get-without-tuple.bin")));
        Assert.Equal(22, ErrorOf(error));
        Assert.Equal("ctnetlink get: needs CAP_NET_ADMIN: run as root", NetlinkException.For("get", 1).Message);
    }

    private static int ErrorOf(Message m)
    {
        Assert.Equal(2, m.Type);
        return -BinaryPrimitives.ReadInt32LittleEndian(m.Payload);
    }

    [Fact]
    public void Events_keep_a_mirror_and_destroy_events_carry_the_counters()
    {
        var messages = Messages(NetlinkFixtures.Bytes("events.bin"));
        Assert.Equal([(ushort)0x0100, (ushort)0x0102], messages.Select(m => m.Type));
        Assert.NotEqual(0, messages[0].Flags & 0x600); // NLM_F_CREATE|NLM_F_EXCL: NEW, not UPDATE
        var decoder = new EntryDecoder();
        var mirror = new TableMirror();
        var created = new KernelEntry();
        Assert.True(decoder.TryDecode(messages[0].Payload, ref created, out _));
        mirror.Apply(ConntrackEventType.New, created);
        Assert.Equal(1, mirror.Count);
        Assert.False(created.Has(EntryAttributes.Use));

        var update = created;
        update.Present &= ~EntryAttributes.Mark;
        update.Mark = 0;
        var previous = created;
        previous.Mark = 9;
        previous.Present |= EntryAttributes.Mark | EntryAttributes.CountersOriginal;
        previous.PacketsOriginal = 5;
        mirror.Apply(ConntrackEventType.New, previous);
        mirror.Apply(ConntrackEventType.Update, update);
        Assert.True(mirror.TryGet(created.Original, out var merged));
        Assert.Equal((9u, 5ul), (merged.Mark, merged.PacketsOriginal));

        var destroyed = new KernelEntry();
        Assert.True(decoder.TryDecode(messages[1].Payload, ref destroyed, out _));
        Assert.Equal(created.Original, destroyed.Original);
        Assert.True(destroyed.Has(EntryAttributes.CountersOriginal));
        Assert.Equal(1ul, destroyed.PacketsOriginal);
        mirror.Apply(ConntrackEventType.Destroy, destroyed);
        Assert.Equal(0, mirror.Count);
    }

    [Fact]
    public void A_request_tuple_decodes_back_to_the_same_tuple()
    {
        Span<byte> v6 = stackalloc byte[16];
        v6[0] = 0x20;
        v6[15] = 7;
        FlowTuple[] tuples =
        [
            FlowTuple.V4(0x0A000001, 0x0A000002, IpProtocol.Tcp, 1234, 80, zone: 5),
            FlowTuple.V4(0x0A000001, 0x0A000002, IpProtocol.Icmp, 77, 0x0800),
            FlowTuple.V6(v6, v6, IpProtocol.IcmpV6, 9, 0x8000),
            FlowTuple.V4(1, 2, IpProtocol.Gre, 0x10, 0x20),
            FlowTuple.V4(1, 2, 50, 0, 0),
        ];
        var decoder = new EntryDecoder();
        var buffer = new byte[512];
        foreach (var tuple in tuples)
        {
            var w = new RequestWriter(buffer, 0x0100, 0, 1, tuple.Family);
            w.Tuple(1, tuple, tuple.Zone);
            var message = w.Message.ToArray();
            var reader = new NetlinkMessageReader(message);
            Assert.True(reader.Next(out var m));
            var e = new KernelEntry();
            Assert.True(decoder.TryDecode(m.Payload, ref e, out _));
            Assert.Equal(tuple, e.Original);
        }
    }

    [Fact]
    public void Decoding_a_dump_allocates_nothing_per_entry()
    {
        var datagram = NetlinkFixtures.Bytes("dump.bin");
        var decoder = new EntryDecoder();
        var entry = new KernelEntry();
        long ports = DecodeAll(datagram, decoder, ref entry); // warm-up: the names are cached here
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
            ports += DecodeAll(datagram, decoder, ref entry);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ports > 0);
        Assert.Equal(0, allocated);
    }

    private static long DecodeAll(byte[] datagram, EntryDecoder decoder, ref KernelEntry entry)
    {
        long sum = 0;
        var reader = new NetlinkMessageReader(datagram);
        while (reader.Next(out var m))
        {
            if (m.Type == 0x0100 && decoder.TryDecode(m.Payload, ref entry, out _))
                sum += entry.Original.SrcId + entry.Id;
        }
        return sum;
    }

    [Fact]
    public void Helper_and_security_context_names_are_cached_by_their_bytes()
    {
        var payload = FirstEntryPayload().Concat(Nest(5, Attribute(1, "ftp\0"u8))).Concat(Nest(19, Attribute(1, "system_u:object_r:x\0"u8))).ToArray();
        var decoder = new EntryDecoder();
        KernelEntry a = default, b = default;
        Assert.True(decoder.TryDecode(payload, ref a, out _));
        Assert.True(decoder.TryDecode(payload, ref b, out _));
        Assert.Equal("ftp", a.Helper);
        Assert.Equal("system_u:object_r:x", a.SecContext);
        Assert.Same(a.Helper, b.Helper);
        Assert.True(a.Has(EntryAttributes.Helper | EntryAttributes.SecContext));
    }

    [Fact]
    public void Every_truncation_of_a_dump_is_either_decoded_or_refused_without_throwing()
    {
        var datagram = NetlinkFixtures.Bytes("dump.bin");
        var decoder = new EntryDecoder();
        var entry = new KernelEntry();
        for (int length = 0; length < datagram.Length; length++)
        {
            var reader = new NetlinkMessageReader(datagram.AsSpan(0, length));
            while (reader.Next(out var m))
                decoder.TryDecode(m.Payload, ref entry, out _);
        }
        var payload = FirstEntryPayload();
        int refused = 0;
        for (int length = 0; length < payload.Length; length++)
        {
            if (!decoder.TryDecode(payload.AsSpan(0, length), ref entry, out string? problem))
            {
                refused++;
                Assert.False(string.IsNullOrEmpty(problem));
            }
        }
        Assert.True(refused > payload.Length / 2, $"only {refused} of {payload.Length} truncations refused");
    }

    [Fact]
    public void Attribute_lengths_past_the_end_or_below_the_header_are_refused_at_every_offset()
    {
        var payload = FirstEntryPayload();
        var decoder = new EntryDecoder();
        var entry = new KernelEntry();
        foreach (ushort bad in new ushort[] { 0, 1, 3, (ushort)(payload.Length + 1), ushort.MaxValue })
        {
            for (int offset = 4; offset + 2 <= payload.Length; offset += 2)
            {
                var hostile = payload.ToArray();
                BinaryPrimitives.WriteUInt16LittleEndian(hostile.AsSpan(offset), bad);
                decoder.TryDecode(hostile, ref entry, out _);
            }
            var top = payload.ToArray();
            BinaryPrimitives.WriteUInt16LittleEndian(top.AsSpan(4), bad);
            Assert.False(decoder.TryDecode(top, ref entry, out string? problem));
            Assert.Equal("attributes whose lengths fit the message", problem);
        }
        var header = NetlinkFixtures.Bytes("dump.bin");
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)header.Length + 4);
        var messages = new NetlinkMessageReader(header);
        Assert.False(messages.Next(out _));
        Assert.True(messages.Malformed);
    }

    [Fact]
    public void Deeply_nested_attributes_do_not_recurse()
    {
        // 4000 nests of CTA_TUPLE_ORIG inside each other: the decoder reads its fixed tree and skips the rest.
        byte[] inner = [];
        for (int i = 0; i < 4000 && inner.Length < 60_000; i++)
            inner = Nest(1, inner);
        var payload = new byte[] { 2, 0, 0, 0 }.Concat(inner).ToArray();
        var entry = new KernelEntry();
        new EntryDecoder().TryDecode(payload, ref entry, out _);
        Assert.True(entry.Has(EntryAttributes.OriginalTuple));
    }

    private static byte[] FirstEntryPayload() => Messages(NetlinkFixtures.Bytes("dump.bin")).First(m => m.Type == 0x0100).Payload;

    private static byte[] Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[(4 + value.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), type);
        value.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    private static byte[] Nest(ushort type, byte[] inner) => Attribute((ushort)(type | 0x8000), inner);

    [Fact]
    public void Dccp_states_are_named_by_the_kernel_numbers()
    {
        Assert.Equal("OPEN", Protocols.StateNames.Name(Protocols.StateNames.OfDccp(4)));
        Assert.Equal("INVALID", Protocols.StateNames.Name(Protocols.StateNames.OfDccp(200)));
    }
}
