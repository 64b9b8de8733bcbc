using System.CommandLine;
using System.Globalization;
using Conntrack.Replay.Memory;

namespace Conntrack.Cli.Commands;

/// <summary>Which kernel's memory layout to price entries with, and an optional slab budget.</summary>
internal sealed class MemoryOptions
{
    public Option<string> Profile { get; } = new("--memory-profile")
    {
        Description = "Kernel entry layout for memory figures: " + string.Join(", ", MemoryProfiles.All.Select(p => p.Name)) + ", or an object size in bytes (e.g. 320).",
        DefaultValueFactory = _ => MemoryProfiles.Linux618.Name,
        HelpName = "NAME|BYTES",
    };

    public Option<string?> SlabBudget { get; } = new("--slab-budget")
    {
        Description = "Memory the entry slab may use (e.g. 8M, 1G): allocations beyond it fail as 'Can't alloc conntrack', apart from 'table full'.",
        HelpName = "BYTES",
    };

    public void AddTo(Command command, bool withBudget)
    {
        command.Add(Profile);
        if (withBudget)
            command.Add(SlabBudget);
    }

    public MemoryProfile MemoryProfile(ParseResult parse)
    {
        string value = parse.GetValue(Profile) ?? MemoryProfiles.Linux618.Name;
        if (MemoryProfiles.All.FirstOrDefault(p => p.Name == value) is { } known)
            return known;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size is >= 64 and <= 4096)
            return MemoryProfiles.ForObjectSize(size);
        throw new ArgumentException($"--memory-profile '{value}': expected one of {string.Join(", ", MemoryProfiles.All.Select(p => p.Name))} or an object size of 64-4096 bytes");
    }

    /// <summary>Entries the budget holds in whole slabs (0 when no budget was given).</summary>
    public int AllocationLimit(ParseResult parse)
    {
        if (parse.GetValue(SlabBudget) is not { } text)
            return 0;
        long bytes = ParseBytes(text);
        var g = MemoryProfile(parse).Geometry;
        long entries = bytes / g.SlabBytes * g.ObjectsPerSlab;
        return (int)Math.Clamp(entries, 1, int.MaxValue);
    }

    /// <summary>"65536", "64K", "8M", "1.5G" → bytes (binary multiples).</summary>
    public static long ParseBytes(string text)
    {
        string t = text.Trim();
        long unit = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit = char.ToUpperInvariant(t[^1]) switch
            {
                'K' => 1L << 10,
                'M' => 1L << 20,
                'G' => 1L << 30,
                _ => throw new ArgumentException($"--slab-budget '{text}': expected a size such as 65536, 64K, 8M or 1G"),
            };
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * unit > (1L << 50))
            throw new ArgumentException($"--slab-budget '{text}': expected a size such as 65536, 64K, 8M or 1G");
        return (long)(value * unit);
    }
}
