using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Profiles;

/// <summary>
/// One topology per settings profile, shared by that profile's rows (the rows come profile by
/// profile): built and given the profile's sysctls once, flushed before every later row. Rebuilt
/// only when the profile changes or a row left fragments queued for reassembly.
/// </summary>
public sealed class ProfileTopologies : IDisposable
{
    private ParityTopology? _current;
    private string? _profile;

    /// <summary>Rows that ran on a topology built for an earlier row, and topologies built.</summary>
    public int Reused { get; private set; }
    public int Built { get; private set; }

    internal ParityTopology For(SettingsProfile profile)
    {
        if (_current is not null && _profile == profile.Name && !_current.HoldsFragments)
        {
            _current.Flush();
            Reused++;
            return _current;
        }
        Dispose();
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
        _current = topology;
        _profile = profile.Name;
        Built++;
        return topology;
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
        _profile = null;
    }
}
