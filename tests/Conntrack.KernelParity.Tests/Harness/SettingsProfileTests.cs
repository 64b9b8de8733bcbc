using Conntrack.KernelParity.Tests.Profiles;
using Conntrack.Settings;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>The profiles are settings the engine models, within the kernel's ranges, none of them global.</summary>
public sealed class SettingsProfileTests
{
    public static TheoryData<string> Profiles => new(SettingsProfiles.All.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_sysctl_is_a_modelled_per_namespace_setting_the_engine_accepts(string name)
    {
        var profile = SettingsProfiles.ByName(name);
        Assert.NotEmpty(profile.Sysctls);
        // B's baseline: the kernel's defaults with checksum verification off (ParityTopology).
        var baseline = new ConntrackSettings { Checksum = false };
        var settings = baseline.Clone();
        foreach (var (sysctl, value) in profile.Sysctls)
        {
            Assert.True(ConntrackSettings.IsModelled(sysctl), $"{name}: {sysctl} is not a setting the engine models");
            Assert.DoesNotContain(sysctl, new[] { "nf_conntrack_max", "nf_conntrack_buckets" });
            settings.Set(sysctl, value);
            Assert.NotEqual(baseline.Get(sysctl), value);
        }
    }

    [Fact]
    public void Profile_names_are_unique()
    {
        Assert.Equal(SettingsProfiles.All.Count, SettingsProfiles.All.Select(p => p.Name).Distinct().Count());
    }
}
