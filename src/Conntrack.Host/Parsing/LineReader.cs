using System.Runtime.CompilerServices;
using System.Text;

namespace Conntrack.Host.Parsing;

/// <summary>
/// Reads text lines from a stream through one fixed buffer, so memory stays bounded whatever the
/// input: a line longer than <see cref="MaxLineLength"/> is returned cut (and flagged), the rest of it
/// skipped. Invalid UTF-8 becomes U+FFFD; '\r' before '\n' is dropped. The returned span is valid
/// until the next call.
/// </summary>
public sealed class LineReader : IDisposable
{
    /// <summary>Longest line returned whole; /proc lines are ~300 characters, log lines rarely 1,000.</summary>
    public const int MaxLineLength = 16 * 1024;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _skipToNewline;

    public LineReader(Stream stream)
    {
        _reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
    }

    public LineReader(TextReader reader) => _reader = reader;

    /// <summary>Number of the line last returned (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>True when the line last returned was longer than <see cref="MaxLineLength"/> and was cut.</summary>
    public bool Truncated { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        Truncated = false;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            int newline = pending.IndexOf('\n');
            if (_skipToNewline)
            {
                if (newline < 0)
                {
                    _start = _end;
                    if (!Fill())
                    {
                        _skipToNewline = false;
                        line = default;
                        return false;
                    }
                    continue;
                }
                _start += newline + 1;
                _skipToNewline = false;
                continue;
            }
            if (newline > MaxLineLength)
            {
                line = pending[..MaxLineLength];
                _start += newline + 1;
                Truncated = true;
                LineNumber++;
                return true;
            }
            if (newline >= 0)
            {
                line = TrimBom(TrimCr(pending[..newline]));
                _start += newline + 1;
                LineNumber++;
                return true;
            }
            if (pending.Length >= MaxLineLength)
            {
                line = pending[..MaxLineLength];
                _start += MaxLineLength;
                _skipToNewline = true;
                Truncated = true;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                if (pending.IsEmpty)
                {
                    line = default;
                    return false;
                }
                line = TrimBom(TrimCr(pending));
                _start = _end;
                LineNumber++;
                return true;
            }
            Fill();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<char> TrimBom(ReadOnlySpan<char> line) =>
        LineNumber == 0 && line.Length > 0 && line[0] == '\uFEFF' ? line[1..] : line;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<char> TrimCr(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    /// <summary>Moves pending text to the front and reads more; false at the end of the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Fill()
    {
        if (_eof)
            return false;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        int read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read <= 0)
        {
            _eof = true;
            return false;
        }
        _end += read;
        return true;
    }

    public void Dispose() => _reader.Dispose();
}
