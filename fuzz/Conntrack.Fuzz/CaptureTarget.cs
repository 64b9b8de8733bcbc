using Conntrack.Capture;

namespace Conntrack.Fuzz;

/// <summary>
/// Target (a): opens the input as a pcap or pcapng capture and reads every record, finding each
/// record's network layer as a replay does. Read twice: through a seekable stream (the reader skips
/// with seeks) and a forward-only one (it skips by reading), two different paths through the window.
/// </summary>
internal static class CaptureTarget
{
    public static void Run(byte[] input)
    {
        ReadAll(new MemoryStream(input, writable: false));
        ReadAll(new ForwardOnlyStream(input));
    }

    private static void ReadAll(Stream stream)
    {
        CaptureReader reader;
        try
        {
            reader = CaptureReader.Open(stream, "fuzz-input");
        }
        catch (CaptureFormatException)
        {
            // Documented: Open refuses an empty input or one that is not a capture.
            return;
        }
        using (reader)
        {
            while (reader.TryReadNext(out var record))
                LinkLayer.TryGetNetworkLayer(record.LinkType, record.Data, out _);
            _ = reader.Issues.First.Count;
        }
    }

    /// <summary>A pipe-like stream: no length, no seeking.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
