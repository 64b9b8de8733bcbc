using System.Runtime.InteropServices;

namespace Conntrack.Cli.Output;

/// <summary>
/// File descriptor 1 written with write(2). The console stream ignores EPIPE, so <c>ctnet list | head</c> would
/// dump the whole table into a closed pipe; a FileStream on fd 1 would keep its own offset and overwrite a
/// file opened for appending. This one writes where the descriptor is and reports EPIPE as an
/// <see cref="IOException"/> whose HResult is the errno.
/// </summary>
internal sealed partial class StandardOutputStream : Stream
{
    private const int EINTR = 4;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint written;
            fixed (byte* p = buffer)
                written = WriteNative(1, p, buffer.Length);
            if (written < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                    continue;
                throw new IOException($"write: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
            buffer = buffer[(int)written..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nint count);
}
