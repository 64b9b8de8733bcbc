using System.Diagnostics;

namespace Conntrack.Capture;

/// <summary>
/// A sliding window over a stream: the only buffer the reader uses. Records are handed out as spans
/// into it (zero copy), and it grows only up to <see cref="CaptureLimits.MaxBufferSize"/>.
/// </summary>
internal sealed class InputWindow : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer = new byte[CaptureLimits.InitialBufferSize];
    private int _start;       // first unconsumed byte in _buffer
    private int _end;         // one past the last valid byte in _buffer
    private long _bufferBase; // input offset of _buffer[0]
    private bool _endOfInput;

    public InputWindow(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        if (stream.CanSeek)
        {
            Length = Math.Max(0, stream.Length - stream.Position);
        }
    }

    /// <summary>Bytes consumed so far, relative to where the stream was when the window was created.</summary>
    public long Position => _bufferBase + _start;

    /// <summary>Total input length when the stream can tell.</summary>
    public long? Length { get; }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes from <see cref="Position"/> available in the buffer
    /// and returns how many are (fewer only at the end of the input).
    /// </summary>
    public int Ensure(int count)
    {
        Debug.Assert(count is >= 0 and <= CaptureLimits.MaxBufferSize, "callers bound their requests");
        if (_end - _start >= count)
        {
            return count;
        }

        if (count > _buffer.Length)
        {
            Grow(count);
        }
        else if (_start + count > _buffer.Length)
        {
            Compact();
        }

        while (_end - _start < count && !_endOfInput)
        {
            // Read as much as fits, not just what is needed, so small records cost few reads.
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read <= 0)
            {
                _endOfInput = true;
                break;
            }

            _end += read;
        }

        return Math.Min(count, _end - _start);
    }

    /// <summary>A view of buffered bytes at <paramref name="offset"/> from <see cref="Position"/>; call <see cref="Ensure"/> first.</summary>
    public ReadOnlySpan<byte> Peek(int offset, int length) => _buffer.AsSpan(_start + offset, length);

    /// <summary>Consumes buffered bytes.</summary>
    public void Advance(int count)
    {
        Debug.Assert(count <= _end - _start, "only buffered bytes can be consumed");
        _start += count;
    }

    /// <summary>Consumes <paramref name="count"/> bytes without buffering them; returns how many existed.</summary>
    public long Skip(long count)
    {
        int buffered = (int)Math.Min(count, _end - _start);
        _start += buffered;
        long remaining = count - buffered;
        if (remaining == 0)
        {
            return count;
        }

        // The buffer is now empty: restart it at the current position.
        _bufferBase += _end;
        _start = 0;
        _end = 0;
        long skipped = buffered;
        if (_stream.CanSeek)
        {
            long step = Math.Min(remaining, Math.Max(0, _stream.Length - _stream.Position));
            _stream.Seek(step, SeekOrigin.Current);
            _bufferBase += step;
            skipped += step;
            _endOfInput |= step < remaining;
            return skipped;
        }

        while (remaining > 0)
        {
            int read = _stream.Read(_buffer, 0, (int)Math.Min(remaining, _buffer.Length));
            if (read <= 0)
            {
                _endOfInput = true;
                break;
            }

            _bufferBase += read;
            remaining -= read;
            skipped += read;
        }

        return skipped;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void Grow(int count)
    {
        int size = Math.Min(CaptureLimits.MaxBufferSize, Math.Max(count, _buffer.Length * 2));
        var larger = new byte[size];
        _buffer.AsSpan(_start, _end - _start).CopyTo(larger);
        _buffer = larger;
        _bufferBase += _start;
        _end -= _start;
        _start = 0;
    }

    private void Compact()
    {
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _bufferBase += _start;
        _end -= _start;
        _start = 0;
    }
}
