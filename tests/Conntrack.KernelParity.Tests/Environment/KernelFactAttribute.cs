namespace Conntrack.KernelParity.Tests.Environment;

/// <summary>A fact that needs the real kernel; skipped, with the reason, where the topology cannot be built.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelEnvironment.UnavailableReason is { } reason)
            Skip = reason;
    }
}
