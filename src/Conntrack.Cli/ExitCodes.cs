namespace Conntrack.Cli;

/// <summary>Process exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>Bad input: not a capture, unreadable file, bad setting.</summary>
    public const int BadInput = 2;
}
