namespace Conntrack.Host.Files;

/// <summary>What a path names, as <c>lstat</c> tells it (links are not followed).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>How file kinds are named in messages.</summary>
public static class FileKindText
{
    public static string Words(FileKind kind) => kind switch
    {
        FileKind.Regular => "regular file",
        FileKind.Directory => "directory",
        FileKind.Symlink => "symlink",
        FileKind.Fifo => "fifo",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Socket => "socket",
        _ => "missing",
    };
}
