using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Conntrack.Host.Listing;

/// <summary>
/// A reusable UTF-8 buffer in front of a stream: lines are written as bytes (numbers with
/// <see cref="Utf8Formatter"/>) and reach the stream in 64 KiB writes, so printing an entry allocates nothing.
/// </summary>
public sealed class OutputBuffer(Stream stream, int size = 1 << 16) : IBufferWriter<byte>
{
    /// <summary>The longest line an entry can take (two IPv6 tuples, counters, a long security context) fits many times.</summary>
    private const int LineReserve = 4096;
    private readonly byte[] _buffer = new byte[Math.Max(size, LineReserve * 2)];
    private int _length;

    /// <summary>Room for at least one more line; flushes first when the buffer is nearly full.</summary>
    public Span<byte> Reserve()
    {
        if (_buffer.Length - _length < LineReserve)
            Flush();
        return _buffer.AsSpan(_length);
    }

    /// <summary>Commits <paramref name="count"/> bytes written into the span <see cref="Reserve"/> returned.</summary>
    public void Advance(int count) => _length += count;

    public Span<byte> GetSpan(int sizeHint = 0) =>
        sizeHint <= LineReserve ? Reserve() : throw new ArgumentOutOfRangeException(nameof(sizeHint), "more than one line at once");

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _length)
            Flush();
        if (bytes.Length > _buffer.Length)
        {
            stream.Write(bytes);
            return;
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteLine(string text)
    {
        Write(Encoding.UTF8.GetBytes(text));
        Write("\n"u8);
    }

    public void Flush()
    {
        if (_length > 0)
            stream.Write(_buffer, 0, _length);
        _length = 0;
        stream.Flush();
    }
}
