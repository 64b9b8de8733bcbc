using System.Text;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;
using Conntrack.TestData.Netlink;

namespace Conntrack.Host.Tests;

/// <summary>
/// The conntrack -L writer on a dump the 6.18 kernel sent (tests/Conntrack.TestData/Netlink) against what
/// conntrack printed right after it: every line the same apart from the timeout and delta-time, which moved
/// between the two reads; a stable line is byte-identical in every format; writing allocates nothing.
/// </summary>
public class ConntrackLineTests
{
    private static string Line(in KernelEntry e, ConntrackLineFormat format, long now = 0)
    {
        var buffer = new byte[ConntrackLine.MaxLength];
        int n = ConntrackLine.Write(buffer, e, format, now);
        Assert.Equal((byte)'\n', buffer[n - 1]);
        return Encoding.UTF8.GetString(buffer, 0, n - 1);
    }

    [Fact]
    public void Every_entry_of_a_kernel_dump_prints_as_conntrack_printed_it()
    {
        var expected = NetlinkFixtures.Lines("dump.conntrack-L.txt").Select(KernelEntryText.StableLine).Order(StringComparer.Ordinal).ToList();
        var actual = NetlinkFixtures.DumpEntries().Select(e => KernelEntryText.StableLine(Line(e, ConntrackLineFormat.Extended | ConntrackLineFormat.Id))).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count >= 10, $"{expected.Count} lines in the fixture");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_default_format_is_the_extended_one_without_its_l3_column_and_id()
    {
        foreach (var e in NetlinkFixtures.DumpEntries())
        {
            string extended = Line(e, ConntrackLineFormat.Extended | ConntrackLineFormat.Id, now: 2_000_000_000);
            string plain = Line(e, ConntrackLineFormat.Default, now: 2_000_000_000);
            int l3 = e.Family == Conntrack.Flows.IpFamily.V6 ? "ipv6     10 ".Length : "ipv4     2 ".Length;
            Assert.Equal(extended[l3..], plain + $" id={e.Id}");
        }
    }

    [Fact]
    public void A_directional_zone_and_offload_are_printed_where_conntrack_prints_them()
    {
        var e = NetlinkFixtures.DumpEntries().First(x => x.Has(EntryAttributes.OriginalZone));
        string line = Line(e, ConntrackLineFormat.Default);
        Assert.Matches(@" zone-orig=3 (packets=\d+ bytes=\d+ )?(\[UNREPLIED\] )?src=", line);
        var offloaded = e;
        offloaded.Status |= Conntrack.Table.EntryStatus.Offload | Conntrack.Table.EntryStatus.Assured;
        Assert.Contains(" [OFFLOAD] mark=", Line(offloaded, ConntrackLineFormat.Default), StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_lines_allocates_nothing()
    {
        var entries = NetlinkFixtures.DumpEntries();
        var buffer = new byte[ConntrackLine.MaxLength];
        var output = new OutputBuffer(Stream.Null);
        foreach (var e in entries)
            ConntrackLine.Write(buffer, e, ConntrackLineFormat.Extended, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            foreach (var e in entries)
            {
                var span = output.Reserve();
                output.Advance(ConntrackLine.Write(span, e, ConntrackLineFormat.Extended | ConntrackLineFormat.Id, 1_800_000_000));
            }
        }
        output.Flush();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
