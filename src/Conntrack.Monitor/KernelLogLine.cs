namespace Conntrack.Monitor;

/// <summary>
/// One conntrack message from the kernel log as the monitor read it: when it was read, its time since boot,
/// its kind (<c>table_full</c>, <c>suppressed</c>, <c>alloc_failure</c>, …), how many drops it stands for
/// (1 for a table-full line, N for "N callbacks suppressed") and its text.
/// </summary>
public sealed record KernelLogLine(DateTimeOffset Seen, double? SecondsAfterBoot, string Kind, long Drops, string Text);
