using System.Globalization;

namespace Conntrack.Host.Parsing;

/// <summary>
/// One input line that could not be used: which file, which line (1-based; 0 for the file as a
/// whole), what the parser expected there and an excerpt of what it found.
/// </summary>
public sealed record ParseIssue(string File, long Line, string Expected, string Found)
{
    public override string ToString() => Line > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}: expected {Expected}, found '{Found}'")
        : $"{File}: {Expected}";
}
