namespace Conntrack.Cli.Input;

/// <summary>A value the user gave that ctnet refuses; the message is the whole line to print, without the "ctnet: " prefix.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>"--rate 'NaN': expected a number of flows per second above 0", the value echoed safely.</summary>
    public static UsageException For(string option, string value, string expected) =>
        new($"{option} '{OneLine.Of(value)}': expected {expected}");
}
