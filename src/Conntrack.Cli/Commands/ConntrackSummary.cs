using System.Globalization;

namespace Conntrack.Cli.Commands;

/// <summary>
/// conntrack-tools' stderr trailer ("N flow entries have been shown."), worded identically after ctnet's own
/// tag, so scripts that read the sentence work with either tool.
/// </summary>
internal static class ConntrackSummary
{
    public const string Tag = "ctnet (conntrack-tools 1.4.7 compatible): ";

    public static void Print(long count, string what) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Tag}{count} {what}."));
}
