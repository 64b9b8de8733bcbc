using System.Globalization;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// What to put into a <see cref="FilledNamespace"/>: groups of entries (in this order, each entry's packets
/// back to back), and the namespace's own settings. More entries than nf_conntrack_max is allowed: the
/// excess is what a full table drops (or early-drops, when it holds unassured entries).
/// </summary>
internal sealed class FillSpec
{
    /// <summary>A masqueraded group's ports stay unique (1024 + index mod 64,000), so the kernel need not remap them.</summary>
    public const int MaxMasqueraded = 64_000;

    /// <summary>One client address per entry of a group: 10.64.0.0/10 holds 2^22.</summary>
    public const int MaxPerGroup = (1 << 22) - 2;

    private readonly List<FillGroup> _groups = [];

    public IReadOnlyList<FillGroup> Groups => _groups;

    /// <summary>The zone of <see cref="FillTreatment.Zone"/> groups.</summary>
    public ushort Zone { get; init; } = 7;

    /// <summary>The mark of <see cref="FillTreatment.Mark"/> groups.</summary>
    public uint Mark { get; init; } = 0x2a;

    /// <summary>net.netfilter.nf_conntrack_acct=1 in the namespace before the packets (per-netns: packets= bytes= per direction).</summary>
    public bool Accounting { get; init; }

    /// <summary>net.netfilter.nf_conntrack_timestamp=1 in the namespace before the packets (per-netns: start time of each entry).</summary>
    public bool Timestamps { get; init; }

    public int Entries => _groups.Sum(g => g.Count);

    public FillSpec Add(FillKind kind, int count, bool ipv6 = false, FillTreatment treatment = FillTreatment.None)
    {
        var group = new FillGroup(kind, count, ipv6, treatment);
        if (Problem(group) is { } problem)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"fill group {kind} × {count}: {problem}"));
        _groups.Add(group);
        return this;
    }

    private static string? Problem(FillGroup group) => group switch
    {
        { Count: <= 0 or > MaxPerGroup } => string.Create(CultureInfo.InvariantCulture, $"expected a count from 1 to {MaxPerGroup}"),
        { Kind: FillKind.Gre, Treatment: var t } when t.HasFlag(FillTreatment.Masquerade) =>
            "GRE version 0 has no ports or keys to tell masqueraded entries apart",
        { Treatment: var t, Count: > MaxMasqueraded } when t.HasFlag(FillTreatment.Masquerade) =>
            string.Create(CultureInfo.InvariantCulture, $"a masqueraded group holds at most {MaxMasqueraded} entries (unique ports)"),
        _ => null,
    };
}
