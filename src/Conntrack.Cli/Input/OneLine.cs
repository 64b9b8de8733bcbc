using System.Globalization;
using System.Text;

namespace Conntrack.Cli.Input;

/// <summary>Makes any text safe to print as part of one terminal line.</summary>
internal static class OneLine
{
    /// <summary>
    /// Control characters (a newline in a file name, an escape sequence) and line separators become
    /// visible escapes, so an echoed value can neither break the line nor drive the terminal.
    /// </summary>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape))
            return text;
        var line = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            line.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ when NeedsEscape(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }
        return line.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
