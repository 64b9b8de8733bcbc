using System.CommandLine;
using System.Globalization;
using Conntrack.Cli.Input;
using Conntrack.Replay.Memory;

namespace Conntrack.Cli.Commands;

/// <summary>Which kernel's memory layout to price entries with, and an optional slab budget.</summary>
internal sealed class MemoryOptions
{
    public Option<MemoryProfile?> Profile { get; } = new Option<MemoryProfile?>("--memory-profile")
    {
        Description = "Kernel entry layout for memory figures: " + string.Join(", ", MemoryProfiles.All.Select(p => p.Name)) + ", or an object size in bytes (e.g. 320); default " + MemoryProfiles.Linux618.Name + ".",
        HelpName = "NAME|BYTES",
    }.ParsedBy(ParseProfile);

    public Option<long?> SlabBudget { get; } = new Option<long?>("--slab-budget")
    {
        Description = "Memory the entry slab may use (e.g. 8M, 1G): allocations beyond it fail as 'Can't alloc conntrack', apart from 'table full'.",
        HelpName = "BYTES",
    }.ParsedBy(ValueParsers.Bytes);

    public void AddTo(Command command, bool withBudget)
    {
        command.Add(Profile);
        if (withBudget)
            command.Add(SlabBudget);
    }

    public MemoryProfile MemoryProfile(ParseResult parse) => parse.GetValue(Profile) ?? MemoryProfiles.Linux618;

    /// <summary>Entries the budget holds in whole slabs (0 when no budget was given); a budget below one slab is refused.</summary>
    public int AllocationLimit(ParseResult parse)
    {
        if (parse.GetValue(SlabBudget) is not { } bytes)
            return 0;
        var profile = MemoryProfile(parse);
        var g = profile.Geometry;
        if (bytes < g.SlabBytes)
        {
            string text = parse.GetResult(SlabBudget)?.Tokens is [.., var last] ? last.Value : bytes.ToString(CultureInfo.InvariantCulture);
            throw UsageException.For(SlabBudget.Name, text, $"at least one slab, {g.SlabBytes.ToString(CultureInfo.InvariantCulture)} bytes for {profile.Name}");
        }
        return (int)Math.Min(bytes / g.SlabBytes * g.ObjectsPerSlab, int.MaxValue);
    }

    private static MemoryProfile ParseProfile(string option, string value)
    {
        if (MemoryProfiles.All.FirstOrDefault(p => p.Name == value) is { } known)
            return known;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size is >= 64 and <= 4096)
            return MemoryProfiles.ForObjectSize(size);
        throw UsageException.For(option, value, $"one of {string.Join(", ", MemoryProfiles.All.Select(p => p.Name))} or an object size of 64-4096 bytes");
    }
}
