namespace Conntrack.Host;

/// <summary>How an input fared.</summary>
public enum InputStatus
{
    Read,
    Missing,
    Unreadable,
    Empty,

    /// <summary>Not read on purpose: a symlink out of the snapshot, a FIFO or device where a file belongs.</summary>
    Refused,
}

/// <summary>One input the doctor looked for, what it is for, and what became of it.</summary>
public sealed record InputFile(string Path, string Role, InputStatus Status, long Lines = 0, long Malformed = 0, string? Detail = null);
