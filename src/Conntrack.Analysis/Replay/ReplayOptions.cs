using Conntrack.Settings;

namespace Conntrack.Analysis.Replay;

/// <summary>How to replay a capture: the kernel settings, and an optional progress callback (fraction of the file read).</summary>
public sealed class ReplayOptions
{
    public ConntrackSettings Settings { get; init; } = new();

    /// <summary>Called now and then with the fraction of the input consumed (0..1); null for none.</summary>
    public Action<double>? Progress { get; init; }

    /// <summary>Fixed hash key for reproducible bucket placement (tests); null = random, as the kernel.</summary>
    public ulong? HashSeed { get; init; }
}
