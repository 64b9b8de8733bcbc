using System.Globalization;
using System.Text;

namespace Conntrack.KernelParity.Tests.Preparation;

/// <summary>A capture rewritten for replay into B: Ethernet frames to b0, on the timeline both sides use.</summary>
internal sealed record PreparedCapture
{
    private const int ListedPacketNumbers = 12;

    public required string Path { get; init; }
    public required ReplayTiming Timing { get; init; }

    /// <summary>Frames written (and so expected at b0).</summary>
    public required int Packets { get; init; }

    /// <summary>Timestamps of the first and last frame written, Unix nanoseconds.</summary>
    public required long FirstTimestamp { get; init; }
    public required long LastTimestamp { get; init; }

    /// <summary>Records left out, by reason, with their packet numbers in the source (1-based).</summary>
    public required IReadOnlyDictionary<PacketSkip, List<long>> Skipped { get; init; }

    /// <summary>Packets whose IPv4 TTL / IPv6 hop limit was ≤ 1 and raised to 64 so B forwards them.</summary>
    public required int HopLimitsRaised { get; init; }

    /// <summary>IPv4 headers whose checksum was wrong in the source (e.g. Windows offload captures) and was repaired.</summary>
    public required int HeaderChecksumsRepaired { get; init; }

    /// <summary>Frames that carried VLAN tags, written untagged.</summary>
    public required int VlanTagsRemoved { get; init; }

    /// <summary>Packets of loopback conversations moved into the test ranges (<see cref="LoopbackRewriter"/>).</summary>
    public int LoopbackReaddressed { get; init; }

    /// <summary>The loopback addresses replaced, "old→new".</summary>
    public IReadOnlyList<string> AddressMap { get; init; } = [];

    /// <summary>Frames that are IP fragments (IPv4 MF or offset, an IPv6 fragment header).</summary>
    public int Fragments { get; init; }

    public int SkippedCount => Skipped.Values.Sum(l => l.Count);

    /// <summary>Human-readable account of what was changed or left out.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"prepared {Packets} packets ({Timing})");
        if (HopLimitsRaised > 0)
            sb.Append(CultureInfo.InvariantCulture, $", {HopLimitsRaised} TTL/hop limits raised to 64");
        if (HeaderChecksumsRepaired > 0)
            sb.Append(CultureInfo.InvariantCulture, $", {HeaderChecksumsRepaired} IPv4 header checksums repaired");
        if (VlanTagsRemoved > 0)
            sb.Append(CultureInfo.InvariantCulture, $", {VlanTagsRemoved} VLAN-tagged frames untagged");
        if (LoopbackReaddressed > 0)
            sb.Append(CultureInfo.InvariantCulture, $", {LoopbackReaddressed} loopback packets readdressed ({string.Join(", ", AddressMap)})");
        sb.Append(CultureInfo.InvariantCulture, $"; skipped {SkippedCount}");
        foreach (var (reason, numbers) in Skipped.OrderBy(p => p.Key))
        {
            string listed = string.Join(',', numbers.Take(ListedPacketNumbers).Select(n => n.ToString(CultureInfo.InvariantCulture)));
            string more = numbers.Count > ListedPacketNumbers ? ",…" : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $"\n  skipped {numbers.Count} × {reason}: packets #{listed}{more}");
        }
        return sb.ToString();
    }
}
