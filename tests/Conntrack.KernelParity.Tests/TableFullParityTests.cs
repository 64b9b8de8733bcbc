using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.TableFull;

namespace Conntrack.KernelParity.Tests;

/// <summary>
/// Floods replayed into a table limited by a small nf_conntrack_max (issue #4): the kernel's table-full
/// path (early drop, drops, the log line) against the engine's, compared in distribution where the
/// random hash key decides and exactly where it does not.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class TableFullParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => new(TableFullScenarios.All.Select(s => s.Name));

    [KernelTheory]
    [MemberData(nameof(Scenarios))]
    public void Kernel_and_engine_agree_when_the_table_is_full(string scenario)
    {
        var report = TableFullRun.Run(TableFullScenarios.ByName(scenario), output);
        Assert.True(report.Ok, report.Describe());
    }

    /// <summary>
    /// A full table and TCP segments whose flags tcp_error refuses, from new tuples. The kernel allocates
    /// (and so checks the limit, tries early drop and logs) before the TCP tracker looks at the flags, so
    /// in a full table they count as drops, not invalid — in the engine too.
    /// </summary>
    [KernelFact]
    public void Invalid_segments_into_a_full_table_are_drops_not_invalid()
    {
        var report = TableFullRun.Run(TableFullScenarios.ByName("invalid-flags-full-max200"), output);
        Assert.True(report.Ok, report.Describe());
    }
}
