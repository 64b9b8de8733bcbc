namespace Conntrack.Host;

/// <summary>What to read: the live host (no <see cref="Root"/>) or a snapshot directory, plus extra files.</summary>
public sealed class HostReadOptions
{
    /// <summary>A snapshot directory with the host's relative paths; null reads the live host.</summary>
    public string? Root { get; init; }

    /// <summary>A table file to read instead of /proc/net/nf_conntrack (any format the parser knows).</summary>
    public string? TablePath { get; init; }

    /// <summary>Kernel logs to read besides the root's /var/log files and dmesg.</summary>
    public IReadOnlyList<string> LogPaths { get; init; } = [];

    /// <summary>Counters to read instead of /proc/net/stat/nf_conntrack (that format or <c>conntrack -S</c> output).</summary>
    public string? StatsPath { get; init; }

    /// <summary>Page size for slab arithmetic; default: this machine's when live, 4096 for a snapshot.</summary>
    public int? PageSize { get; init; }

    /// <summary>
    /// Live only: read the table over ctnetlink when the kernel answers (in <see cref="Netns"/> when given),
    /// /proc/net/nf_conntrack otherwise. Snapshots and a named <see cref="TablePath"/> always read files.
    /// </summary>
    public bool UseNetlink { get; init; } = true;

    /// <summary>Live only: the namespace whose table ctnetlink dumps (null: this process's). The other inputs are this process's.</summary>
    public Netlink.NetnsTarget? Netns { get; init; }

    /// <summary>Live only: also read the output of <c>dmesg</c>.</summary>
    public bool RunDmesg { get; init; } = true;
}
