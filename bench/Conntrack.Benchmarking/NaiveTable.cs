using Conntrack.Settings;

namespace Conntrack.Benchmarking;

/// <summary>The naive Dictionary-based tracker, filled with established flows, for benchmark baselines.</summary>
public sealed class NaiveTable
{
    private readonly DictionaryConntrackTable _table;

    private NaiveTable(DictionaryConntrackTable table) => _table = table;

    public int Count => _table.Count;

    /// <summary>A naive table holding <paramref name="flows"/> established connections.</summary>
    public static NaiveTable Create(int flows)
    {
        var table = new DictionaryConntrackTable(new ConntrackSettings { Checksum = false, Max = 0 }, flows);
        Workloads.Handshakes(flows, p => table.Process(p, Workloads.Second));
        return new NaiveTable(table);
    }

    /// <summary>An empty naive table sized for <paramref name="flows"/> connections.</summary>
    public static NaiveTable Empty(int flows) =>
        new(new DictionaryConntrackTable(new ConntrackSettings { Checksum = false, Max = 0 }, flows));

    /// <summary>Tracks one IP packet; false when it was invalid or dropped.</summary>
    public bool Process(ReadOnlySpan<byte> ipPacket, long now) => _table.Process(ipPacket, now);

    /// <summary>Runs packets round-robin like <see cref="Workloads.Run"/>.</summary>
    public int Run(PacketArena arena, long packets, ref long now)
    {
        int tracked = 0;
        int n = arena.Count;
        for (long i = 0, k = 0; i < packets; i++)
        {
            tracked += _table.Process(arena[(int)k], now) ? 1 : 0;
            if (++k == n)
            {
                k = 0;
                now += Workloads.Second / 10;
            }
        }
        return tracked;
    }
}
