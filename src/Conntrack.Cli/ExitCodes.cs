namespace Conntrack.Cli;

/// <summary>Process exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work ran but an output file could not be written (disk full, …), or ctnet failed itself.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: a refused option value, not a capture, an unreadable file, a bad setting.</summary>
    public const int BadInput = 2;
}
