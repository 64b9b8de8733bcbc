using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Scenarios;

namespace Conntrack.KernelParity.Tests;

/// <summary>The generated scenarios, each replayed into the kernel and the engine and compared.</summary>
[Collection(KernelParityCollection.Name)]
public sealed class GeneratedScenarioParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => new(ScenarioCatalog.ByName.Keys);

    [KernelTheory]
    [MemberData(nameof(Scenarios))]
    public void Kernel_and_engine_tables_agree(string scenario)
    {
        var report = ParityRun.RunScenario(ScenarioCatalog.ByName[scenario], output);
        Assert.True(report.IsParity, report.Describe());
    }
}
