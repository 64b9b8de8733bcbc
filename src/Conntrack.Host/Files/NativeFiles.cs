using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Conntrack.Host.Files;

/// <summary>
/// The two system calls .NET does not expose: the type of a file without following links or opening it
/// (<c>statx</c>, whose layout is the same on every architecture), and an open that cannot block
/// (<c>O_NONBLOCK</c>, so a FIFO swapped in after the check does not hang; it is then refused by type).
/// </summary>
internal static partial class NativeFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeModeInoSize = 0x1 | 0x2 | 0x100 | 0x200;
    private const int OpenReadNonBlocking = 0x800 | 0x100 | 0x80000; // O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int EPERM = 1;
    private const int EACCES = 13;

    /// <summary>A file's identity and type: what <see cref="Open"/> checks the opened file against.</summary>
    public readonly record struct Status(FileKind Kind, long Size, ulong Inode, ulong Device);

    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(SafeFileHandle fd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenFd(string path, int flags);

    /// <summary>lstat: the type of <paramref name="path"/> itself; Missing when it (or a directory above it) does not exist.</summary>
    /// <exception cref="UnauthorizedAccessException">A directory on the way cannot be searched.</exception>
    /// <exception cref="IOException">The path cannot be examined.</exception>
    public static Status Lstat(string path) => StatPath(path, followLinks: false);

    /// <summary>stat: like <see cref="Lstat"/>, but of what a link leads to; Missing for a dangling link.</summary>
    /// <exception cref="UnauthorizedAccessException">A directory on the way cannot be searched.</exception>
    /// <exception cref="IOException">The path cannot be examined.</exception>
    public static Status Stat(string path) => StatPath(path, followLinks: true);

    private static Status StatPath(string path, bool followLinks)
    {
        if (!OperatingSystem.IsLinux())
            return ManagedStatus(path, followLinks);
        if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxTypeModeInoSize, out var buffer) == 0)
            return ToStatus(buffer);
        int errno = Marshal.GetLastPInvokeError();
        if (errno is ENOENT or ENOTDIR)
            return new Status(FileKind.Missing, 0, 0, 0);
        throw Error(errno);
    }

    /// <summary>Opens a regular file for reading without blocking, and checks that what was opened is the file <paramref name="expected"/> described.</summary>
    public static FileStream Open(string path, Status expected)
    {
        if (!OperatingSystem.IsLinux())
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        int fd = OpenFd(path, OpenReadNonBlocking);
        if (fd < 0)
            throw Error(Marshal.GetLastPInvokeError());
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Statx(handle, "", AtEmptyPath, StatxTypeModeInoSize, out var buffer) != 0)
                throw Error(Marshal.GetLastPInvokeError());
            var opened = ToStatus(buffer);
            if (opened.Kind != FileKind.Regular || opened.Inode != expected.Inode || opened.Device != expected.Device)
                throw new IOException("changed while it was being opened");
            return new FileStream(handle, FileAccess.Read, 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static Status ToStatus(in StatxBuffer b) =>
        new(KindOf(b.Mode), (long)Math.Min(b.Size, long.MaxValue), b.Inode, ((ulong)b.DeviceMajor << 32) | b.DeviceMinor);

    private static FileKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.Symlink,
        0x1000 => FileKind.Fifo,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Socket,
    };

    private static Exception Error(int errno) => errno is EPERM or EACCES
        ? new UnauthorizedAccessException("permission denied")
        : new IOException(Marshal.GetPInvokeErrorMessage(errno));

    /// <summary>Elsewhere than Linux (where the doctor has nothing to read anyway): what .NET can tell without opening.</summary>
    private static Status ManagedStatus(string path, bool followLinks)
    {
        var info = new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null)
            return new Status(FileKind.Symlink, 0, 0, 0);
        if (Directory.Exists(path))
            return new Status(FileKind.Directory, 0, 0, 0);
        return info.Exists ? new Status(FileKind.Regular, info.Length, 0, 0) : new Status(FileKind.Missing, 0, 0, 0);
    }
}
