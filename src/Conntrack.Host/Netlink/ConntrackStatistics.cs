using System.Buffers.Binary;
using Conntrack.Host.Counters;

namespace Conntrack.Host.Netlink;

/// <summary>One CPU's counters from IPCTNL_MSG_CT_GET_STATS_CPU, in attribute-number order as <c>conntrack -S</c> prints them.</summary>
public sealed class CpuStatistics
{
    /// <summary>ctattr_stats_cpu names as conntrack -S prints them, by attribute number − 1.</summary>
    private static readonly string[] Names =
    [
        "searched", "found", "new", "invalid", "ignore", "delete", "delete_list", "insert", "insert_failed",
        "drop", "early_drop", "error", "search_restart", "clash_resolve", "chaintoolong",
    ];

    public int Cpu { get; }

    /// <summary>The counters this kernel sent, by conntrack -S name (newer numbers as unknown1, unknown2, …).</summary>
    public IReadOnlyList<KeyValuePair<string, uint>> Values { get; }

    private CpuStatistics(int cpu, IReadOnlyList<KeyValuePair<string, uint>> values)
    {
        Cpu = cpu;
        Values = values;
    }

    public uint Get(string name) => Values.FirstOrDefault(v => v.Key == name).Value;

    internal static CpuStatistics? Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Ctnl.NfGenLength)
            return null;
        int cpu = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        var values = new SortedList<ushort, uint>();
        var reader = new AttributeReader(payload[Ctnl.NfGenLength..]);
        while (reader.Next(out ushort type, out var value))
        {
            if (value.Length >= 4 && type > 0)
                values[type] = BinaryPrimitives.ReadUInt32BigEndian(value);
        }
        if (reader.Malformed)
            return null;
        return new CpuStatistics(cpu, [.. values.Select(v => new KeyValuePair<string, uint>(NameOf(v.Key), v.Value))]);
    }

    private static string NameOf(ushort type) => type <= Names.Length ? Names[type - 1] : $"unknown{type - Names.Length}";

    /// <summary>The per-CPU rows summed in the doctor's counter vocabulary (Format "ctnetlink").</summary>
    public static ConntrackCounters Sum(IReadOnlyList<CpuStatistics> cpus, string label, uint? entries)
    {
        var counters = new ConntrackCounters { File = label, Format = "ctnetlink", CpuRows = cpus.Count, Entries = entries };
        foreach (var cpu in cpus)
        {
            foreach (var (name, value) in cpu.Values)
                counters.Add(name, value);
        }
        return counters;
    }
}

/// <summary>IPCTNL_MSG_CT_GET_STATS: entries in this namespace (<c>conntrack -C</c>) and the global nf_conntrack_max.</summary>
public readonly record struct TableCount(uint Entries, uint? Max);
