namespace Conntrack.KernelParity.Tests.Comparison;

/// <summary>One entry on which the kernel and the engine disagree; a missing side's line is null.</summary>
internal sealed record EntryMismatch(string Key, string What, string? KernelLine, string? EngineLine)
{
    public string Describe(string scenario) =>
        $"[{scenario}] {What}\n    kernel: {KernelLine ?? "(no entry)"}\n    engine: {EngineLine ?? "(no entry)"}";
}
