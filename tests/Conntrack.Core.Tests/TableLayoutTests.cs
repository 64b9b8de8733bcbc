using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    [Fact]
    public void Filling_a_table_allocates_only_what_it_holds_so_no_outgrown_arrays_stay_resident()
    {
        // Arrays grown by doubling leave every smaller one behind on the large-object heap, which
        // the process keeps resident: twice the table's own memory. The table allocates its entry
        // storage once (after a few small arrays), so what it allocated is what it holds.
        const int Flows = 1_000_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var table = new ConntrackTable(new ConntrackSettings { Max = Flows, Buckets = Flows, Checksum = false }, seed: 1);
        Fill(table, Flows);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(Flows, table.Count);
        Assert.InRange((double)allocated / Flows, 100, 128);
        Assert.InRange(allocated, 0, table.MemoryBytes + (3L << 20));
    }

    [Fact]
    public void Reserved_entry_storage_is_resident_only_where_entries_were_written()
    {
        // A table sized for four million entries holding ten thousand: the array is reserved at its
        // final length, and only the pages the entries were written to are in memory (mincore).
        const int Flows = 10_000;
        var table = new ConntrackTable(new ConntrackSettings { Max = 4_000_000, Buckets = 16_384, Checksum = false }, seed: 1);
        Fill(table, Flows);
        Assert.True(table.Capacity > PartitionLayout.ReserveFrom, "past the doubling of small tables");
        var entries = table.Partition(0).Entries;
        Assert.True(entries.Length >= 4_000_000, $"reserved {entries.Length} slots");
        long resident = ResidentBytes(entries);
        Assert.InRange(resident, Flows * 120L, (table.Capacity * 120L) + (1L << 20));
        Assert.InRange((long)table.Capacity, Flows, Flows + (16 * 64 * 2));
    }

    private static void Fill(ConntrackTable table, int flows)
    {
        Span<byte> packet = stackalloc byte[64];
        for (int i = 0; i < flows; i++)
        {
            int length = Capture.PacketBuilder.Udp4(packet, 0x0A000000u + (uint)i, 0xC0000201, 5000, 53);
            table.Process(packet[..length], 1_000_000_000L + i);
        }
    }

    /// <summary>How much of an array's memory is in RAM, page by page (mincore(2)).</summary>
    private static long ResidentBytes<T>(T[] array)
        where T : struct
    {
        long page = Environment.SystemPageSize;
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            long start = handle.AddrOfPinnedObject();
            long first = start & ~(page - 1);
            long end = start + ((long)array.Length * Unsafe.SizeOf<T>());
            long pages = (end - first + page - 1) / page;
            var map = new byte[pages];
            Assert.Equal(0, MinCore((nint)first, (nuint)(pages * page), map));
            return map.LongCount(b => (b & 1) != 0) * page;
        }
        finally
        {
            handle.Free();
        }
    }

    [DllImport("libc", EntryPoint = "mincore")]
    private static extern int MinCore(nint address, nuint length, byte[] vector);
}
