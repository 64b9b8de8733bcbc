using System.Runtime.InteropServices;

namespace Conntrack.Host.Logs;

/// <summary>The libc calls reading /dev/kmsg needs beyond open/close: one record per read, seek to the end.</summary>
internal static partial class NativeKmsg
{
    public const int OpenReadNonBlockingCloexec = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC
    public const int SeekEnd = 2;
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EPIPE = 32;

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long Seek(int fd, long offset, int whence);
}
