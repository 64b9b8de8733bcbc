using BenchmarkDotNet.Attributes;
using Conntrack.Analysis.Scenarios;
using Conntrack.Settings;
using Conntrack.Table;

namespace Conntrack.Benchmarks;

/// <summary>The table's hit path: packets of established flows, already in memory as IP packets.</summary>
[MemoryDiagnoser]
public class TableBenchmarks
{
    private const int Packets = 1_000_000;
    private byte[][] _packets = [];
    private ConntrackTable _table = null!;

    [Params(10_000, 1_000_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new ConntrackSettings { Checksum = false, Max = 0, Buckets = Math.Max(Flows, 1024) };
        _table = new ConntrackTable(settings);
        var buffer = new byte[128];
        // Open every flow (SYN, SYN/ACK, ACK), then keep one ACK per flow per direction to replay.
        for (int i = 0; i < 3 * Flows; i++)
        {
            int length = EstablishedFlows.BuildPacket(buffer, i, Flows);
            _table.Process(buffer.AsSpan(0, length), EstablishedFlows.TimeOf(i));
        }
        _packets = new byte[Math.Min(Packets, 2 * Flows)][];
        for (int i = 0; i < _packets.Length; i++)
        {
            int length = EstablishedFlows.BuildPacket(buffer, (3 * Flows) + i, Flows);
            _packets[i] = buffer.AsSpan(0, length).ToArray();
        }
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public int HitPath()
    {
        int tracked = 0;
        long now = EstablishedFlows.TimeOf(3 * Flows);
        for (int i = 0; i < Packets; i++)
        {
            var verdict = _table.Process(_packets[i % _packets.Length], now);
            tracked += verdict.EntryIndex >= 0 ? 1 : 0;
        }
        return tracked;
    }
}
