using BenchmarkDotNet.Attributes;
using Conntrack.Replay;
using Conntrack.Replay.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Benchmarks;

/// <summary>Capture decoding alone, and end to end (pcap → link layer → parse → table) on one core and on all. One operation = one packet.</summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private const int Packets = 1_000_000;
    private byte[] _capture = [];
    private readonly ConntrackSettings _settings = new() { Checksum = false };

    [GlobalSetup]
    public void Setup()
    {
        using var stream = new MemoryStream();
        EstablishedFlows.WritePcap(stream, 100_000, Packets);
        _capture = stream.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public long DecodeOnly()
    {
        using var reader = CaptureReader.Open(new MemoryStream(_capture, writable: false), "bench");
        long ipBytes = 0;
        while (reader.TryReadNext(out var record))
        {
            if (LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out var network) == LinkDecodeStatus.Ok)
                ipBytes += network.Length;
        }
        return ipBytes;
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public long Replay()
    {
        using var reader = CaptureReader.Open(new MemoryStream(_capture, writable: false), "bench");
        return ReplayRunner.Run(reader, new ReplayOptions { Settings = _settings }).Packets;
    }

    /// <summary>The same replay with every core tracking (the table's partitions shared out).</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long ReplayAllCores()
    {
        using var reader = CaptureReader.Open(new MemoryStream(_capture, writable: false), "bench");
        return ReplayRunner.Run(reader, new ReplayOptions { Settings = _settings, Threads = Environment.ProcessorCount }).Packets;
    }
}
