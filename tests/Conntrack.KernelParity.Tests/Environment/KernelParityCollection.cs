namespace Conntrack.KernelParity.Tests.Environment;

/// <summary>
/// Every kernel test shares one kernel (its conntrack GC worker, its CPU time and tcpreplay's pacing),
/// so they run one at a time, never beside each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelParityCollection
{
    public const string Name = "kernel parity";
}
