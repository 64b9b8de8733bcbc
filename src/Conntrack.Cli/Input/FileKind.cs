using System.Runtime.InteropServices;

namespace Conntrack.Cli.Input;

/// <summary>What a path names, asked without opening it (opening a FIFO blocks until someone writes to it).</summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 1;
    private const int StatxModeOffset = 28;
    private const int StatxSize = 256;
    private const int NoSuchEntry = 2;
    private const int NotADirectory = 20;

    /// <summary>"regular file", "directory", "FIFO", …, "missing", or null when it cannot be told (no permission, another platform).</summary>
    public static string? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
            return Directory.Exists(path) ? "directory" : File.Exists(path) ? null : "missing";
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            return Marshal.GetLastPInvokeError() is NoSuchEntry or NotADirectory ? "missing" : null;
        int mode = BitConverter.ToUInt16(buffer.Slice(StatxModeOffset, 2));
        // The S_IFMT bits of st_mode (sys/stat.h); statx's layout is the same on every architecture.
        return (mode & 0xF000) switch
        {
            0x8000 => "regular file",
            0x4000 => "directory",
            0x1000 => "FIFO",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => "special file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);
}
