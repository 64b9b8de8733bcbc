using BenchmarkDotNet.Attributes;
using Conntrack.Analysis.Replay;
using Conntrack.Analysis.Scenarios;
using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Benchmarks;

/// <summary>End to end: pcap decoding, link layer, IP parsing and tracking, one core.</summary>
[MemoryDiagnoser]
public class ReplayBenchmarks
{
    private const int Packets = 1_000_000;
    private byte[] _capture = [];
    private readonly ConntrackSettings _settings = new() { Checksum = false };

    [Params(1_000, 100_000)]
    public int Flows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var stream = new MemoryStream();
        EstablishedFlows.WritePcap(stream, Flows, Packets);
        _capture = stream.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public long Replay()
    {
        using var reader = CaptureReader.Open(new MemoryStream(_capture, writable: false), "bench");
        return ReplayRunner.Run(reader, new ReplayOptions { Settings = _settings }).Packets;
    }
}
