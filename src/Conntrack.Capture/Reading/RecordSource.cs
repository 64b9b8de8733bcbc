namespace Conntrack.Capture;

/// <summary>Format-specific record decoding behind <see cref="CaptureReader"/>.</summary>
internal abstract class RecordSource
{
    protected RecordSource(InputWindow input, CaptureIssues issues)
    {
        Input = input;
        Issues = issues;
    }

    protected InputWindow Input { get; }

    protected CaptureIssues Issues { get; }

    /// <summary>Number of the last record seen (delivered or skipped).</summary>
    protected long PacketNumber { get; set; }

    /// <summary>Set once reading cannot continue; later calls return false immediately.</summary>
    protected bool Stopped { get; private set; }

    public abstract bool TryReadNext(out CaptureRecord record);

    /// <summary>
    /// The stored time of the record right after the current one (which is <paramref name="currentLength"/>
    /// bytes long and not yet consumed), when that is a readable record on <paramref name="interfaceId"/>.
    /// Moves the window, so views of the current record taken before this call are stale.
    /// </summary>
    public abstract bool TryPeekNextTimestamp(int interfaceId, int currentLength, out long timestamp);

    /// <summary>Whether the next <paramref name="count"/> bytes (already buffered) are all zero.</summary>
    protected bool IsZeroFill(int count) => !Input.Peek(0, count).ContainsAnyExcept((byte)0);

    /// <summary>
    /// Consumes the run of zeros at <paramref name="offset"/>, in whole <paramref name="granule"/>s
    /// (where a block could next begin), as one issue instead of thousands of empty records.
    /// </summary>
    protected void SkipZeroFill(long offset, int granule)
    {
        long run = 0;
        bool atEnd = false;
        while (true)
        {
            int available = Input.Ensure(CaptureLimits.InitialBufferSize);
            if (available == 0)
            {
                atEnd = true;
                break;
            }

            int nonZero = Input.Peek(0, available).IndexOfAnyExcept((byte)0);
            int zeros = nonZero < 0 ? available : nonZero / granule * granule;
            Input.Advance(zeros);
            run += zeros;
            if (nonZero >= 0)
            {
                break;
            }
        }

        Issues.AddSkippedBytes(run);
        if (atEnd)
        {
            Issues.Add(IssueKind.ZeroFill, offset, PacketNumber, $"{run} zero bytes from here to the end of the file (pre-allocated or cut short), not records; skipped");
            Finish();
        }
        else
        {
            Issues.Add(IssueKind.ZeroFill, offset, PacketNumber, $"{run} zero bytes up to offset {offset + run}, not records; skipped");
        }
    }

    /// <summary>Ends reading because of corruption; whatever is left is counted as skipped bytes.</summary>
    protected void Stop()
    {
        Stopped = true;
        Issues.MarkStopped();
        if (Input.Length is long length)
        {
            Issues.AddSkippedBytes(Math.Max(0, length - Input.Position));
        }
    }

    /// <summary>Clean end of input.</summary>
    protected void Finish() => Stopped = true;
}
