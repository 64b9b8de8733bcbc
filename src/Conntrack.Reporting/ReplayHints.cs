using System.Globalization;
using Conntrack.Replay;

namespace Conntrack.Reporting;

/// <summary>Hints for results that are silently wrong for a reason the capture shows; the same words in every report.</summary>
public static class ReplayHints
{
    /// <summary>A hint: a stable key for machines and the sentence for people.</summary>
    public readonly record struct Hint(string Kind, string Text);

    public static IReadOnlyList<Hint> Of(ReplayResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var hints = new List<Hint>();
        long invalid = r.PacketsByState.GetValueOrDefault(ReplayRunner.StateLabel(Table.CtInfo.Invalid));
        // Offloaded checksums are filled in by the NIC after the capture point of the sending host.
        if (invalid > 0 && r.InvalidChecksums * 2 > invalid)
        {
            hints.Add(new Hint("checksum_offload", string.Create(CultureInfo.InvariantCulture,
                $"{invalid:N0} of {r.Packets:N0} packets are invalid, {r.InvalidChecksums:N0} of them for a bad checksum: a capture taken on the sending host holds checksums its NIC fills in later (offload); replay with --set nf_conntrack_checksum=0")));
        }
        return hints;
    }

    /// <summary>"host (loopback traffic (127.0.0.1) is tracked only on the host that sends it)".</summary>
    public static string ViewText(ViewChoice view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return $"{ViewName(view.View)} ({view.Reason})";
    }

    public static string ViewName(CaptureView view) => view == CaptureView.Host ? "host" : "router";
}
