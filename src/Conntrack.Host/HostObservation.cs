using Conntrack.Host.Counters;
using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;
using Conntrack.Host.Resources;
using Conntrack.Host.Sysctls;
using Conntrack.Host.Tables;

namespace Conntrack.Host;

/// <summary>Everything read from one host (or snapshot), with what was missing and what was malformed.</summary>
public sealed class HostObservation
{
    public required bool Live { get; init; }

    /// <summary>"/" for the live host, else the snapshot directory.</summary>
    public required string Root { get; init; }
    public required HostSettings Settings { get; init; }
    public TableReadResult? Table { get; init; }
    public ConntrackCounters? Counters { get; init; }
    public SlabInfo? Slab { get; init; }
    public MemInfo? Memory { get; init; }
    public required LogEvidence Logs { get; init; }
    public required IReadOnlyList<InputFile> Inputs { get; init; }
    public required ParseIssueLog Issues { get; init; }
    public required int PageSize { get; init; }

    /// <summary>True when the page size is an assumption (4 KiB for snapshots).</summary>
    public bool PageSizeAssumed { get; init; }

    /// <summary>Live: the inode of this process's network namespace.</summary>
    public long? NetnsInode { get; init; }

    /// <summary>Live: whether that is the initial namespace (null when it cannot be told).</summary>
    public bool? InitialNetns { get; init; }

    /// <summary>Live: the running kernel's release (/proc/sys/kernel/osrelease).</summary>
    public string? KernelRelease { get; init; }

    public TimeSpan Elapsed { get; init; }
}
