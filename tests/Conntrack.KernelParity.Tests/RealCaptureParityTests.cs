using Conntrack.KernelParity.Tests.Environment;

namespace Conntrack.KernelParity.Tests;

/// <summary>Every capture in shared/captures, replayed into the kernel and the engine and compared.</summary>
[Collection(KernelParityCollection.Name)]
public sealed class RealCaptureParityTests(ITestOutputHelper output)
{
    private const string NoCaptures = "(shared/captures not found)";

    public static TheoryData<string> Captures
    {
        get
        {
            var names = SharedCaptures.Names();
            // A row that fails, rather than a theory without data that xunit might not report clearly.
            return names.Count > 0 ? new TheoryData<string>(names) : new TheoryData<string>(NoCaptures);
        }
    }

    [KernelTheory]
    [MemberData(nameof(Captures))]
    public void Kernel_and_engine_tables_agree(string capture)
    {
        Assert.False(capture == NoCaptures, $"shared/captures was not found above {AppContext.BaseDirectory}; the real captures must sit beside the repository");
        string path = Path.Combine(SharedCaptures.Directory!, capture);
        var report = ParityRun.RunCapture(capture, path, SharedCaptures.MaxPackets, output);
        Assert.True(report.IsParity, report.Describe());
    }
}
