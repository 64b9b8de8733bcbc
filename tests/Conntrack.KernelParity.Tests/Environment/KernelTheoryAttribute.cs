namespace Conntrack.KernelParity.Tests.Environment;

/// <summary>A theory that needs the real kernel; skipped, with the reason, where the topology cannot be built.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (KernelEnvironment.UnavailableReason is { } reason)
            Skip = reason;
    }
}
