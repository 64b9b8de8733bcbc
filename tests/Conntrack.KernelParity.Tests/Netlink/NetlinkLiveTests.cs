using System.Globalization;
using Conntrack.Doctor;
using Conntrack.Flows;
using Conntrack.Host;
using Conntrack.Host.Netlink;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.Table;
using Conntrack.TestData;
using Conntrack.TestData.Netlink;

namespace Conntrack.KernelParity.Tests.Netlink;

/// <summary>The ctnetlink client against the real kernel, with conntrack-tools as the oracle (<see cref="NetlinkTestbed"/>).</summary>
[Collection(KernelParityCollection.Name)]
public sealed class NetlinkLiveTests(NetlinkTestbed bed, ITestOutputHelper output) : IClassFixture<NetlinkTestbed>
{
    private static List<KernelEntry> Dump(ConntrackClient client, DumpRequest? request = null)
    {
        var entries = new List<KernelEntry>();
        var result = client.Dump(request ?? DumpRequest.All, (in KernelEntry e) => entries.Add(e));
        Assert.Equal(0, result.Malformed);
        return entries;
    }

    [KernelFact]
    public void Every_attribute_of_the_dump_is_what_conntrack_L_prints_for_the_same_entry()
    {
        bed.Refresh();
        using var client = ConntrackClient.Open(bed.Server);
        var entries = Dump(client);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var lines = bed.ConntrackList();
        var byId = KernelEntryText.LinesById(lines);
        output.WriteLine(string.Join('\n', lines));
        Assert.Equal(byId.Keys.Order(), entries.Select(e => e.Id).Order());
        foreach (var e in entries)
            Assert.Equal(byId[e.Id], KernelEntryText.Stable(e));
        foreach (string line in lines)
        {
            var e = entries.Single(x => line.EndsWith(string.Create(CultureInfo.InvariantCulture, $" id={x.Id}"), StringComparison.Ordinal));
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(uint.Parse(tokens[4], CultureInfo.InvariantCulture), e.Timeout - 1, e.Timeout);
            long delta = long.Parse(tokens.Single(t => t.StartsWith("delta-time=", StringComparison.Ordinal))[11..], CultureInfo.InvariantCulture);
            Assert.InRange(delta, now - (long)(e.Start / 1_000_000_000) - 1, now - (long)(e.Start / 1_000_000_000) + 1);
        }
        // Real traffic: counters both ways on the TCP connection, the nft mark on UDP 7000, ICMPv6 replies.
        Assert.Contains(entries, e => e.Original.DstId == 8080 && e.PacketsReply > 0 && e.State == Protocols.StateId.Established && e.Has(EntryAttributes.TcpDetails));
        Assert.Contains(entries, e => e.Original.DstId == 7000 && e.Mark == 42);
        Assert.Contains(entries, e => e.Original.Protocol == IpProtocol.IcmpV6 && e.PacketsReply > 0);
    }

    public static TheoryData<string, string[]> Filters => new()
    {
        { "family", ["-f", "ipv6"] },
        { "mark", ["-m", "42"] },
        { "status", ["-u", "ASSURED"] },
        { "zone", ["-w", "5"] },
        { "protocol", ["-f", "ipv4", "-p", "udp"] },
        { "port", ["-f", "ipv4", "-p", "tcp", "--dport", "8080"] },
        { "source", ["-s", NetlinkTestbed.ClientV4] },
    };

    [KernelTheory]
    [MemberData(nameof(Filters))]
    public void Each_kernel_filter_selects_what_conntrack_selects(string name, string[] conntrackFilter)
    {
        bed.Refresh();
        var request = name switch
        {
            "family" => new DumpRequest { Family = IpFamily.V6 },
            "mark" => new DumpRequest { Mark = 42 },
            "status" => new DumpRequest { Status = EntryStatus.Assured },
            "zone" => new DumpRequest { Zone = 5 },
            "protocol" => new DumpRequest { Family = IpFamily.V4, Original = new TupleFilter(FlowTuple.V4(0, 0, IpProtocol.Udp, 0, 0), TupleFields.Protocol) },
            "port" => new DumpRequest { Family = IpFamily.V4, Original = new TupleFilter(FlowTuple.V4(0, 0, IpProtocol.Tcp, 0, 8080), TupleFields.Protocol | TupleFields.DestinationPort) },
            _ => new DumpRequest { Family = IpFamily.V4, Original = new TupleFilter(FlowTuple.V4(0x0AD50001, 0, 0, 0, 0), TupleFields.SourceAddress) },
        };
        using var client = ConntrackClient.Open(bed.Server);
        var ids = new List<uint>();
        var result = client.Dump(request, (in KernelEntry e) => ids.Add(e.Id));
        var expected = KernelEntryText.LinesById(bed.ConntrackList(conntrackFilter)).Keys;
        output.WriteLine($"{name}: {result}");
        Assert.NotEmpty(ids);
        Assert.Equal(expected.Order(), ids.Order());
        Assert.Equal(0, result.Skipped); // 6.18 applies every one of these in the kernel
    }

    [KernelFact]
    public void Statistics_equal_conntrack_S_and_the_count_equals_conntrack_C()
    {
        using var client = ConntrackClient.Open(bed.Server);
        var rows = client.CpuStatistics();
        var text = rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"cpu={r.Cpu,-4}\t") + string.Concat(r.Values.Select(v => $"{v.Key}={v.Value} ")));
        Assert.Equal(bed.InServer("conntrack", "-S").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), text);
        Assert.Equal(System.Environment.ProcessorCount, rows.Count);
        var count = client.Count();
        Assert.Equal(bed.InServer("conntrack", "-C").Stdout.Trim(), count.Entries.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_max").Trim(), count.Max?.ToString(CultureInfo.InvariantCulture));
    }

    [KernelFact]
    public void Get_and_delete_by_tuple_and_by_filter_remove_exactly_the_entries_named()
    {
        for (int port = 61001; port <= 61004; port++)
            bed.Insert("-p", "tcp", "-s", "10.9.9.1", "-d", "10.9.9.2", "--sport", port.ToString(CultureInfo.InvariantCulture), "--dport", "22", "--state", "ESTABLISHED");
        using var client = ConntrackClient.Open(bed.Server);
        var before = Dump(client).Select(e => e.Id).ToHashSet();
        FlowTuple Tuple(ushort port) => FlowTuple.V4(0x0A090901, 0x0A090902, IpProtocol.Tcp, port, 22);

        Assert.True(client.TryGet(Tuple(61001), out var first));
        Assert.Equal("ESTABLISHED", Protocols.StateNames.Name(first.State));
        Assert.False(client.TryGet(Tuple(61999), out _));

        Assert.True(client.Delete(Tuple(61002)));
        Assert.False(client.Delete(Tuple(61002)));
        Assert.False(client.Delete(first with { Id = first.Id + 1 }), "a different id must not delete the entry");
        Assert.True(client.Delete(first));

        var deleted = new List<ushort>();
        var result = client.DeleteWhere(new DumpRequest { Family = IpFamily.V4, Original = new TupleFilter(Tuple(0), TupleFields.SourceAddress) },
            (in KernelEntry e) => e.Original.SrcId == 61003, (in KernelEntry e) => deleted.Add(e.Original.SrcId));
        Assert.Equal([(ushort)61003], deleted);
        Assert.Equal(1, result.Deleted);

        var after = Dump(client).Select(e => e.Id).ToHashSet();
        before.ExceptWith(after);
        Assert.Equal(3, before.Count);
        Assert.Single(bed.ConntrackList("-s", "10.9.9.1"));
        Assert.True(client.Delete(Tuple(61004)));
    }

    [KernelFact]
    public void Namespaces_are_listed_with_their_names_and_inodes()
    {
        var all = NetnsCatalog.Enumerate();
        ulong inode = ulong.Parse(Kernel.Shell.Check("stat", "-L", "-c", "%i", "/run/netns/" + bed.ServerName).Stdout.Trim(), CultureInfo.InvariantCulture);
        var server = Assert.Single(all, n => n.Names.Contains(bed.ServerName));
        Assert.Equal(inode, server.Inode);
        Assert.Contains(all, n => n.Pids.Contains(System.Environment.ProcessId));
        Assert.Throws<ArgumentException>(() => NetnsTarget.Named("../etc"));
        var missing = Assert.Throws<IOException>(() => ConntrackClient.Open(NetnsTarget.Named("ctp-no-such-namespace")));
        Assert.Equal("netns ctp-no-such-namespace: no such network namespace (/run/netns/ctp-no-such-namespace)", missing.Message);
    }

    [KernelFact]
    public void The_doctor_gives_the_same_verdict_over_netlink_and_over_proc()
    {
        bed.Refresh();
        using var dir = new TempDir();
        string proc = Path.Combine(dir.Path, "nf_conntrack");
        File.WriteAllText(proc, bed.InServer("cat", "/proc/net/nf_conntrack").Stdout);
        var viaNetlink = HostReader.Read(new HostReadOptions { Netns = bed.Server, RunDmesg = false });
        var viaProc = HostReader.Read(new HostReadOptions { TablePath = proc, RunDmesg = false });
        Assert.Equal(NetlinkTable.Format, viaNetlink.Table!.Format);
        Assert.Equal("/proc/net/nf_conntrack", viaProc.Table!.Format);
        var a = viaNetlink.Table.Summary;
        var b = viaProc.Table.Summary;
        Assert.Equal((b.Entries, b.Assured, b.Unreplied, b.Ipv4, b.Ipv6, b.LinesWithZone), (a.Entries, a.Assured, a.Unreplied, a.Ipv4, a.Ipv6, a.LinesWithZone));
        Assert.Equal(b.States.Select(s => (s.Label, s.Count)), a.States.Select(s => (s.Label, s.Count)));
        Assert.Equal(b.Zones.OrderBy(z => z.Key), a.Zones.OrderBy(z => z.Key));
        var netlinkVerdict = DoctorAnalyzer.Analyze(viaNetlink);
        var procVerdict = DoctorAnalyzer.Analyze(viaProc);
        Assert.Equal(procVerdict.Verdict, netlinkVerdict.Verdict);
        Assert.Equal(procVerdict.Headline, netlinkVerdict.Headline);
    }
}
