namespace Conntrack.Capture;

/// <summary>
/// Decides the time each delivered record carries. The replay engine needs time that never runs
/// backwards (conntrack timeouts only count forward), and one damaged timestamp must not drag the
/// rest of the capture with it: ten years ahead would expire every entry, and every later record
/// would then be a step back. So a step back is delivered at the previous record's time; a jump of
/// more than <see cref="MaxUnconfirmedStep"/> stands only when the next record stays near it (the
/// capture paused), and is otherwise one bad record, delivered at the previous record's time.
/// Wireshark and tcpdump show such times as they are; a replay cannot, so each change is an issue.
/// pcapng interfaces each keep their own clock: their records may interleave out of order, and one
/// interface's if_tsoffset may put it in another epoch (the replay clamps time across interfaces).
/// </summary>
/// <param name="issues">Where changes are reported.</param>
/// <param name="interfaceId">The pcapng interface whose records this clock places (0 for pcap).</param>
/// <param name="scope">How issue texts name the previous record's scope: "" or " on the same interface".</param>
internal sealed class RecordClock(CaptureIssues issues, int interfaceId, string scope)
{
    /// <summary>Captures do pause for hours; a longer jump needs the next record's agreement.</summary>
    public const ulong MaxUnconfirmedStep = 3600UL * 1_000_000_000;

    private const string PreviousTime = "the previous record's time";
    private const string NextTime = "the next record's time";
    private const string EpochTime = "time 0, there being no other record";

    private bool _started;

    /// <summary>Time of the last record placed (0 before the first).</summary>
    public long Last { get; private set; }

    /// <summary>Returns the time to deliver a record stamped <paramref name="timestamp"/>, reporting any change.</summary>
    /// <param name="source">Asked for the next record's time when a jump needs confirming.</param>
    /// <param name="recordLength">Bytes of the current record, which the next one follows.</param>
    /// <param name="fileOffset">Where the record starts, for the issue.</param>
    /// <param name="packetNumber">The record's number, for the issue.</param>
    /// <param name="timestamp">The time stored in the file, in nanoseconds since the epoch.</param>
    public long Place(RecordSource source, int recordLength, long fileOffset, long packetNumber, long timestamp)
    {
        if (!_started)
        {
            // The first record has no predecessor: it stands unless the next one is far behind it.
            if (source.TryPeekNextTimestamp(interfaceId, recordLength, out long following) && IsFarBehind(following, timestamp))
            {
                issues.Add(IssueKind.TimeJump, fileOffset, packetNumber, $"timestamp is {new Seconds(Seconds.Between(following, timestamp))} ahead of the next record{scope}; delivered at {NextTime}");
                return Start(following);
            }

            return Start(timestamp);
        }

        if (timestamp < Last)
        {
            issues.Add(IssueKind.TimeBackwards, fileOffset, packetNumber, $"timestamp steps back {new Seconds(Seconds.Between(timestamp, Last))} from the previous record{scope}; delivered at {PreviousTime}");
            return Last;
        }

        if (IsFarBehind(Last, timestamp))
        {
            bool hasNext = source.TryPeekNextTimestamp(interfaceId, recordLength, out long next);
            if (!hasNext || IsFarBehind(next, timestamp))
            {
                issues.Add(IssueKind.TimeJump, fileOffset, packetNumber, $"timestamp jumps {new Seconds(Seconds.Between(Last, timestamp))} ahead of the previous record{scope} and {(hasNext ? "the next record is back" : "no record follows")}; delivered at {PreviousTime}");
                return Last;
            }
        }

        Last = timestamp;
        return timestamp;
    }

    /// <summary>The time for a record whose own cannot be represented: the previous record's, or at the start the next one's.</summary>
    /// <param name="source">Asked for the next record's time when this is the first record.</param>
    /// <param name="recordLength">Bytes of the current record, which the next one follows.</param>
    /// <param name="deliveredAt">Which time that is, for the issue text.</param>
    public long PlaceUnreadable(RecordSource source, int recordLength, out string deliveredAt)
    {
        if (_started)
        {
            deliveredAt = PreviousTime;
            return Last;
        }

        if (source.TryPeekNextTimestamp(interfaceId, recordLength, out long next))
        {
            deliveredAt = NextTime;
            return Start(next);
        }

        deliveredAt = EpochTime;
        return Start(0);
    }

    /// <summary>Forgets the past, for a new pcapng section whose interfaces start afresh.</summary>
    public void Reset()
    {
        _started = false;
        Last = 0;
    }

    private static bool IsFarBehind(long earlier, long later) => earlier < later && Seconds.Between(earlier, later) > MaxUnconfirmedStep;

    private long Start(long timestamp)
    {
        _started = true;
        Last = timestamp;
        return timestamp;
    }
}
