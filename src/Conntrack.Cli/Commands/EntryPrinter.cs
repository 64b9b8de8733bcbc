using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;

namespace Conntrack.Cli.Commands;

/// <summary>Prints kernel entries to a stream in the chosen <c>-o</c> format through one reusable buffer.</summary>
internal sealed class EntryPrinter(Stream stream, OutputChoice choice) : IDisposable
{
    /// <summary>errno EPIPE: the reader went away (<c>ctnet list | head</c>).</summary>
    private const int BrokenPipe = 32;

    private readonly OutputBuffer _buffer = new(stream);
    private EntryJson? _json;

    /// <summary>Standard output through write(2), so a closed pipe stops the listing (see <see cref="Output.StandardOutputStream"/>).</summary>
    public static EntryPrinter ToStandardOutput(OutputChoice choice) => new(new Output.StandardOutputStream(), choice);

    public void Print(in KernelEntry e, ReadOnlySpan<byte> prefix = default, string? eventName = null, ulong eventTime = 0)
    {
        if (choice.Json)
        {
            _json ??= new EntryJson(_buffer);
            _json.Write(e, eventName, eventTime);
            return;
        }
        var span = _buffer.Reserve();
        prefix.CopyTo(span);
        int n = prefix.Length;
        n += ConntrackLine.Write(span[n..], e, choice.Line, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        _buffer.Advance(n);
    }

    /// <summary>
    /// Runs the work that prints, then flushes. A closed or full stdout is the output's failure (exit 1), not bad
    /// input; the kernel's refusals (<see cref="NetlinkException"/>) pass through.
    /// </summary>
    public void Guard(Action work)
    {
        try
        {
            try
            {
                work();
            }
            finally
            {
                _buffer.Flush();
            }
        }
        catch (IOException e) when (e is not NetlinkException && e.HResult == BrokenPipe)
        {
            throw new ReaderGoneException();
        }
        catch (IOException e) when (e is not NetlinkException)
        {
            throw new OutputFailedException($"standard output: {e.Message}", e);
        }
    }

    public void Dispose() => _json?.Dispose();
}

/// <summary>Standard output's reader closed the pipe: stop quietly with 141, the status conntrack gets from SIGPIPE.</summary>
internal sealed class ReaderGoneException : Exception
{
    public const int ExitCode = 128 + 13;
}
