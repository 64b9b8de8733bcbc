using System.Runtime.CompilerServices;

namespace Conntrack.Capture;

/// <summary>
/// What a <see cref="CaptureReader"/> skipped or flagged. Bounded: the first
/// <see cref="DetailLimit"/> issues are kept in detail, all of them are counted.
/// </summary>
public sealed class CaptureIssues
{
    /// <summary>How many issues are kept in <see cref="First"/>.</summary>
    public const int DetailLimit = 100;

    private readonly List<CaptureIssue> _first = new(capacity: 8);

    /// <summary>Records that were not delivered (includes <see cref="TruncatedRecords"/>).</summary>
    public long SkippedRecords { get; private set; }

    /// <summary>Records cut short by the end of the file.</summary>
    public long TruncatedRecords { get; private set; }

    /// <summary>Records delivered despite an anomaly, such as a captured length above the snapshot length.</summary>
    public long SuspiciousRecords { get; private set; }

    /// <summary>
    /// Records delivered at another record's time because their own ran backwards, jumped far ahead
    /// or could not be represented, so that time never runs backwards for the consumer.
    /// </summary>
    public long RetimedRecords { get; private set; }

    /// <summary>Bytes discarded while resynchronising after corruption or at a garbage tail.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>True when reading ended before the end of the file because the rest could not be decoded.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>The first <see cref="DetailLimit"/> issues in file order.</summary>
    public IReadOnlyList<CaptureIssue> First => _first;

    /// <summary>Number of issues found, including those not kept in <see cref="First"/>.</summary>
    public long Total { get; private set; }

    // Lets the reason handler skip formatting once details are no longer kept.
    internal bool KeepsDetail => _first.Count < DetailLimit;

    internal void Add(IssueKind kind, long fileOffset, long packetNumber, [InterpolatedStringHandlerArgument("")] ref IssueText reason)
    {
        Total++;
        switch (kind)
        {
            case IssueKind.Truncated:
                TruncatedRecords++;
                SkippedRecords++;
                break;
            case IssueKind.Skipped:
                SkippedRecords++;
                break;
            case IssueKind.Suspicious or IssueKind.SubsecondOverflow:
                SuspiciousRecords++;
                break;
            case IssueKind.TimeBackwards or IssueKind.TimeJump or IssueKind.TimestampOverflow:
                RetimedRecords++;
                break;
        }

        if (KeepsDetail)
        {
            _first.Add(new CaptureIssue(fileOffset, packetNumber, reason.ToStringAndClear()));
        }
    }

    internal void AddSkippedBytes(long count) => SkippedBytes += count;

    internal void MarkStopped() => StoppedEarly = true;
}
