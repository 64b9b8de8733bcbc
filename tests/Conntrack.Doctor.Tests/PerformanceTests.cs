using Conntrack.Host;
using Conntrack.TestData;
using System.Diagnostics;

namespace Conntrack.Doctor.Tests;

public class PerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Doctor_analyses_a_100k_entry_table_in_bounded_memory()
    {
        using var dir = new TempDir();
        LargeSnapshot.Write(dir.Path, 100_000);
        // Warm up the code paths once (JIT), then measure.
        DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = Support.Fixture("modern-healthy") }));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var d = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = dir.Path }));
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"100,000 entries: read and analysed in {clock.Elapsed.TotalMilliseconds:0} ms, {allocated / (1 << 20)} MiB allocated in total, working set {Environment.WorkingSet / (1 << 20)} MiB");

        Assert.Equal(100_000, d.Host.Table!.Summary.Entries);
        Assert.Equal(0, d.Host.Table.Malformed);
        Assert.Equal(Verdict.DroppingFull, d.Verdict);
        // Distinct sources exceed the heavy-hitter capacity: counting stays bounded.
        Assert.False(d.Host.Table.Summary.Sources.IsExact);
        Assert.True(d.Host.Table.Summary.Sources.Tracked <= 16_385);
        Assert.Contains(d.Recommendations, r => r.Kind == "shorten_timeout");
    }
}
