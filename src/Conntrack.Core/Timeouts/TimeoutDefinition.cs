namespace Conntrack.Timeouts;

/// <summary>One timeout class: the sysctl that sets it, its default in seconds and what it governs.</summary>
public sealed record TimeoutDefinition(TimeoutClass Class, string SysctlName, long DefaultSeconds, string Description);
