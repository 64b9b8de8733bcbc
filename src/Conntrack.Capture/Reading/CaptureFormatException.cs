namespace Conntrack.Capture;

/// <summary>
/// Thrown by <see cref="CaptureReader.Open(string)"/> when the input is not a pcap or pcapng capture at all.
/// The message is one line naming the file, the offset, what was expected and what was found.
/// </summary>
public sealed class CaptureFormatException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CaptureFormatException()
        : base("not a pcap or pcapng file")
    {
    }

    /// <summary>Creates an exception with the given one-line message.</summary>
    /// <param name="message">File name, offset, expected and found values.</param>
    public CaptureFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">File name, offset, expected and found values.</param>
    /// <param name="innerException">The underlying failure.</param>
    public CaptureFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
