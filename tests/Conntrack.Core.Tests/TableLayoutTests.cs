using System.Runtime.CompilerServices;
using Conntrack.Flows;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Core.Tests;

/// <summary>Memory density is a feature: these sizes are budgets (issue: at most 128 bytes per flow all-in).</summary>
public class TableLayoutTests
{
    [Fact]
    public void An_entry_is_112_bytes_and_a_slot_with_its_links_120()
    {
        Assert.Equal(40, Unsafe.SizeOf<FlowTuple>());
        Assert.Equal(112, Unsafe.SizeOf<Entry>());
        Assert.Equal(120, ConntrackTable.BytesPerEntry(accounting: false));
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
