namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>
/// VLAN-tagged frames: the preparer strips the tags (B's b0 has no VLAN device), so what is compared is
/// that the engine, reading the tagged source, tracks the inner IP packets as the kernel does.
/// </summary>
internal static class VlanScenarios
{
    public static IEnumerable<Scenario> All()
    {
        var tcp = ScenarioConversation.New(clientPort: 40020);
        var single = new ScenarioBuilder("vlan/tcp-802.1q", "a TCP connection in 802.1Q-tagged frames");
        foreach (byte[] p in tcp.Established())
            single.Add(p, 100);
        yield return single.Build();

        yield return new ScenarioBuilder("vlan/udp-qinq", "UDP query and reply in QinQ (802.1ad + 802.1Q) frames")
            .Add(ScenarioPackets.Udp(ScenarioHost.Client, ScenarioHost.Server, 40021, 53), 200, 100)
            .Add(ScenarioPackets.Udp(ScenarioHost.Server, ScenarioHost.Client, 53, 40021), 200, 100)
            .Build();
    }
}
