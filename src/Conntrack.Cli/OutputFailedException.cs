namespace Conntrack.Cli;

/// <summary>The work was done and its summary printed, but a file it was asked to write could not be written.</summary>
internal sealed class OutputFailedException(string message, Exception inner) : Exception(message, inner);
