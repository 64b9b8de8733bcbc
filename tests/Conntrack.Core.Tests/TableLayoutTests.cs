using System.Runtime.CompilerServices;
using Conntrack.Flows;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Core.Tests;

/// <summary>Memory density is a feature: these sizes are budgets (issue: at most 128 bytes per flow all-in).</summary>
public class TableLayoutTests
{
    [Fact]
    public void An_entry_with_its_chain_links_is_120_bytes_and_lookups_read_one_cache_line()
    {
        Assert.Equal(40, Unsafe.SizeOf<FlowTuple>());
        Assert.Equal(120, Unsafe.SizeOf<Entry>());
        Assert.Equal(120, ConntrackTable.BytesPerEntry(accounting: false));
        // Tuple, expiry and both links sit in the first 64 bytes; the protocol state follows.
        var entry = default(Entry);
        Assert.True(Unsafe.ByteOffset(ref Unsafe.As<Entry, byte>(ref entry), ref Unsafe.As<int, byte>(ref entry.NextReply)) < 64 - sizeof(int) + 1);
        Assert.Equal(64, (int)Unsafe.ByteOffset(ref Unsafe.As<Entry, byte>(ref entry), ref Unsafe.As<Conntrack.Protocols.ProtocolState, byte>(ref entry.Proto)));
    }

    [Fact]
    public void A_full_table_costs_at_most_128_bytes_per_flow_including_buckets()
    {
        const int Flows = 100_000;
        var settings = new ConntrackSettings { Max = Flows, Buckets = Flows, Checksum = false };
        var table = new ConntrackTable(settings, seed: 1);
        Span<byte> packet = stackalloc byte[64];
        for (int i = 0; i < Flows; i++)
        {
            int length = Capture.PacketBuilder.Udp4(packet, 0x0A000000u + (uint)i, 0xC0000201, 5000, 53);
            table.Process(packet[..length], 1_000_000_000L + i);
        }
        Assert.Equal(Flows, table.Count);
        Assert.InRange((double)table.MemoryBytes / Flows, 100, 128);
    }
}
