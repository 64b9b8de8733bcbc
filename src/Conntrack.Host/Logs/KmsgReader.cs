using System.Globalization;
using System.Text;
using Conntrack.Host.Netlink;

namespace Conntrack.Host.Logs;

/// <summary>A kernel message as it is read live: its time since boot and its text.</summary>
public delegate void KernelMessageHandler(LogTime time, ReadOnlySpan<char> message);

/// <summary>
/// The kernel's log buffer read live through <c>/dev/kmsg</c>: opened non-blocking and positioned at its end (only
/// messages printed from now on), one record per read into one fixed buffer. Records overwritten before they were
/// read are counted (<see cref="Overwritten"/>, the kernel's EPIPE); messages written by user space are skipped.
/// </summary>
public sealed class KmsgReader : IDisposable
{
    public const string DevicePath = "/dev/kmsg";

    /// <summary>The kernel cuts a record at 1 KiB of text (plus the header and dictionary); 8 KiB holds any.</summary>
    private const int RecordBytes = 8 * 1024;

    private readonly byte[] _bytes = new byte[RecordBytes];
    private readonly char[] _chars = new char[RecordBytes];
    private int _fd;

    private KmsgReader(int fd) => _fd = fd;

    /// <summary>Records lost because the kernel's ring overwrote them before they were read.</summary>
    public long Overwritten { get; private set; }

    /// <summary>Opens <see cref="DevicePath"/> at its end; null with <paramref name="problem"/> when it cannot be read.</summary>
    public static KmsgReader? TryOpen(out string? problem)
    {
        int fd = NativeNetlink.Open(DevicePath, NativeKmsg.OpenReadNonBlockingCloexec);
        if (fd < 0)
        {
            problem = $"{DevicePath}: {NativeNetlink.Describe(NativeNetlink.LastError)}";
            return null;
        }
        NativeKmsg.Seek(fd, 0, NativeKmsg.SeekEnd);
        problem = null;
        return new KmsgReader(fd);
    }

    /// <summary>Hands every record available now to <paramref name="handler"/> (at most <paramref name="limit"/>) and returns how many; never waits.</summary>
    public unsafe int ReadAvailable(KernelMessageHandler handler, int limit = 100_000)
    {
        ArgumentNullException.ThrowIfNull(handler);
        int records = 0;
        while (records < limit)
        {
            nint n;
            fixed (byte* buffer = _bytes)
                n = NativeKmsg.Read(_fd, buffer, _bytes.Length);
            if (n < 0)
            {
                int errno = NativeNetlink.LastError;
                if (errno == NativeKmsg.EPIPE)
                {
                    Overwritten++;
                    continue;
                }
                if (errno == NativeKmsg.EINTR)
                    continue;
                break;
            }
            if (n == 0)
                break;
            records++;
            Deliver(_bytes.AsSpan(0, (int)n), handler);
        }
        return records;
    }

    /// <summary>"prio,seq,usec,flags[,…];text\n[ KEY=value\n…]": kernel facility (prio / 8 = 0) only.</summary>
    private void Deliver(ReadOnlySpan<byte> record, KernelMessageHandler handler)
    {
        int semicolon = record.IndexOf((byte)';');
        if (semicolon <= 0)
            return;
        int chars = Encoding.UTF8.GetChars(record[..semicolon], _chars);
        var header = _chars.AsSpan(0, chars);
        int c1 = header.IndexOf(',');
        int c2 = c1 < 0 ? -1 : header[(c1 + 1)..].IndexOf(',') + c1 + 1;
        int c3 = c2 <= c1 ? -1 : header[(c2 + 1)..].IndexOf(',') + c2 + 1;
        if (c1 <= 0 || c3 <= c2
            || !int.TryParse(header[..c1], NumberStyles.None, CultureInfo.InvariantCulture, out int prio) || prio >> 3 != 0
            || !long.TryParse(header[(c2 + 1)..c3], NumberStyles.None, CultureInfo.InvariantCulture, out long micros))
            return;
        var text = record[(semicolon + 1)..];
        int end = text.IndexOf((byte)'\n');
        int length = Encoding.UTF8.GetChars(end >= 0 ? text[..end] : text, _chars);
        handler(new LogTime(0, false, micros), _chars.AsSpan(0, length));
    }

    public void Dispose()
    {
        if (_fd >= 0)
            NativeNetlink.Close(_fd);
        _fd = -1;
    }
}
