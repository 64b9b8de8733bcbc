using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Profiles;
using Conntrack.KernelParity.Tests.Scenarios;

namespace Conntrack.KernelParity.Tests;

/// <summary>
/// Every generated scenario and every shared capture under every settings profile (issue #18),
/// replayed into the kernel and the engine and compared entry by entry, counters included. A row is
/// "profile scenario:name" or "profile capture:file"; one topology serves a profile's rows.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class ProfileParityTests(ITestOutputHelper output, ProfileTopologies topologies) : IClassFixture<ProfileTopologies>
{
    private const string ScenarioRow = "scenario:";
    private const string CaptureRow = "capture:";

    public static TheoryData<string, string> Rows
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var profile in SettingsProfiles.All)
            {
                foreach (string scenario in ScenarioCatalog.ByName.Keys)
                    rows.Add(profile.Name, ScenarioRow + scenario);
                foreach (string capture in SharedCaptures.Names())
                    rows.Add(profile.Name, CaptureRow + capture);
            }
            return rows;
        }
    }

    [KernelTheory]
    [MemberData(nameof(Rows))]
    public void Kernel_and_engine_tables_agree_under_the_profile(string profile, string row)
    {
        var settings = SettingsProfiles.ByName(profile);
        output.WriteLine($"profile {settings.Name}: {settings.Purpose} ({string.Join(' ', settings.Assignments)})");
        var topology = topologies.For(settings);
        var report = row.StartsWith(ScenarioRow, StringComparison.Ordinal)
            ? ParityRun.RunScenario(ScenarioCatalog.ByName[row[ScenarioRow.Length..]], topology, output, profile: settings.Name)
            : ParityRun.RunCapture(row[CaptureRow.Length..], Path.Combine(SharedCaptures.Directory!, row[CaptureRow.Length..]), SharedCaptures.MaxPackets, topology, output, settings.Name);
        Assert.True(report.IsParity, report.Describe());
    }
}
