using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Kernel;
using Conntrack.KernelParity.Tests.Scenarios;
using Conntrack.Settings;

namespace Conntrack.KernelParity.Tests.Harness;

/// <summary>The kernel side of the harness itself: the topology tracks what is replayed, cleans up, and a disagreement fails.</summary>
[Collection(KernelParityCollection.Name)]
public sealed class TopologyTests(ITestOutputHelper output)
{
    [KernelFact]
    public void Replayed_packets_create_exactly_their_entries_in_B()
    {
        var scenario = new ScenarioBuilder("harness/udp-and-tcp", "one UDP flow and one TCP handshake")
            .Add(ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 1000, 2000))
            .Add(ScenarioConversation.New().Handshake())
            .Build();
        var report = ParityRun.RunScenario(scenario, output);
        Assert.True(report.IsParity, report.Describe());
        Assert.Equal(2, report.TotalEntries);
    }

    [KernelFact]
    public void Namespaces_are_gone_after_dispose()
    {
        string[] names;
        using (var topology = ParityTopology.Create())
        {
            names = [topology.SenderNamespace, topology.RouterNamespace, topology.SinkNamespace];
            string listed = Shell.Check("ip", "netns", "list").Stdout;
            Assert.All(names, n => Assert.Contains(n, listed, StringComparison.Ordinal));
        }
        string after = Shell.Check("ip", "netns", "list").Stdout;
        Assert.All(names, n => Assert.DoesNotContain(n, after, StringComparison.Ordinal));
    }

    [KernelFact]
    public void A_profile_reaches_B_and_the_engine_reads_it_back()
    {
        using var topology = ParityTopology.Create();
        Assert.False(topology.ReadSettings().Checksum); // B's baseline
        var profile = Profiles.SettingsProfiles.ByName("timeouts");
        topology.Apply(profile);
        var settings = topology.ReadSettings();
        Assert.All(profile.Sysctls, s => Assert.Equal(s.Value, settings.Get(s.Key)));
        Assert.Equal(long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_buckets").Trim(), System.Globalization.CultureInfo.InvariantCulture), settings.Buckets);
    }

    [KernelFact]
    public void A_flushed_topology_serves_another_row_with_its_own_counters()
    {
        var scenario = new ScenarioBuilder("harness/invalid-twice", "a lone SYN/ACK, invalid")
            .Add(ScenarioPackets.Tcp(ScenarioHost.Server, ScenarioHost.Client, 80, 40000, Conntrack.Packets.TcpFlags.Syn | Conntrack.Packets.TcpFlags.Ack, 5000, 1001, 64240))
            .Add(ScenarioConversation.New().Handshake())
            .Build();
        using var topology = ParityTopology.Create();
        for (int row = 0; row < 2; row++)
        {
            if (row > 0)
                topology.Flush();
            var report = ParityRun.RunScenario(scenario, topology, output);
            Assert.True(report.IsParity, report.Describe());
            Assert.Equal(1, report.KernelCounters.Invalid);
            Assert.Equal(1, report.TotalEntries);
        }
    }

    [KernelFact]
    public void An_engine_that_disagrees_is_reported_with_both_lines()
    {
        // Same packets, but the engine is told ESTABLISHED lasts 1000 s: the comparison must catch it.
        var scenario = new ScenarioBuilder("harness/deliberate-mismatch", "an engine with a different established timeout")
            .Add(ScenarioConversation.New().Established())
            .Build();
        var settings = new ConntrackSettings();
        settings.Set("nf_conntrack_checksum", 0);
        settings.Set("nf_conntrack_tcp_timeout_established", 1000);
        var report = ParityRun.RunScenario(scenario, output, settings);
        var mismatch = Assert.Single(report.Mismatches);
        Assert.Contains("timeout (43199", mismatch.What, StringComparison.Ordinal);
        Assert.Contains(" 999 ESTABLISHED", mismatch.EngineLine, StringComparison.Ordinal);
        Assert.Contains(" ESTABLISHED ", mismatch.KernelLine, StringComparison.Ordinal);
        Assert.False(report.IsParity);
    }
}
