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
