using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Profiles;

/// <summary>
/// One topology per settings profile, shared by that profile's rows (xunit orders a theory's rows by
/// their ids, not profile by profile, so each profile keeps its own): built and given the profile's
/// sysctls at its first row, flushed before every later one. Rebuilt only after a row that left
/// fragments queued for reassembly, which a flush cannot remove.
/// </summary>
public sealed class ProfileTopologies : IDisposable
{
    private readonly Dictionary<string, ParityTopology> _byProfile = new(StringComparer.Ordinal);

    internal ParityTopology For(SettingsProfile profile)
    {
        if (_byProfile.TryGetValue(profile.Name, out var current))
        {
            if (!current.HoldsFragments)
            {
                current.Flush();
                return current;
            }
            _byProfile.Remove(profile.Name);
            current.Dispose();
        }
        var topology = ParityTopology.Create();
        try
        {
            topology.Apply(profile);
        }
        catch
        {
            topology.Dispose();
            throw;
        }
        _byProfile[profile.Name] = topology;
        return topology;
    }

    public void Dispose()
    {
        foreach (var topology in _byProfile.Values)
            topology.Dispose();
        _byProfile.Clear();
    }
}
