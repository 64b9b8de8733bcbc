namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>Every generated scenario by name, for the theory rows.</summary>
internal static class ScenarioCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, Scenario>> ByNameLazy = new(Build);

    public static IReadOnlyDictionary<string, Scenario> ByName => ByNameLazy.Value;

    private static Dictionary<string, Scenario> Build()
    {
        var all = TcpTransitionScenarios.All()
            .Concat(TcpEdgeScenarios.All())
            .Concat(UdpScenarios.All())
            .Concat(IcmpScenarios.All())
            .Concat(OtherProtocolScenarios.All())
            .Concat(FragmentScenarios.All())
            .Concat(VlanScenarios.All())
            .Concat(SettingsSensitiveScenarios.All());
        var byName = new Dictionary<string, Scenario>(StringComparer.Ordinal);
        foreach (var scenario in all)
        {
            if (!byName.TryAdd(scenario.Name, scenario))
                throw new InvalidOperationException($"two scenarios are named {scenario.Name}");
        }
        return byName;
    }
}
