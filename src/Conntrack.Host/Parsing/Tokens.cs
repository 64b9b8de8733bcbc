using System.Globalization;

namespace Conntrack.Host.Parsing;

/// <summary>Whitespace tokenising and number parsing over spans, without allocation.</summary>
internal static class Tokens
{
    public static bool Next(ReadOnlySpan<char> line, scoped ref int position, out ReadOnlySpan<char> token)
    {
        int i = position;
        while (i < line.Length && IsSpace(line[i]))
            i++;
        int start = i;
        while (i < line.Length && !IsSpace(line[i]))
            i++;
        position = i;
        token = line[start..i];
        return i > start;
    }

    public static bool IsSpace(char c) => c is ' ' or '\t';

    public static bool TryLong(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    public static bool TryHex(ReadOnlySpan<char> text, out long value)
    {
        if (text.Length is 0 or > 16 || !ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v) || v > long.MaxValue)
        {
            value = 0;
            return false;
        }
        value = (long)v;
        return true;
    }

    public static bool IsNumber(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
            return false;
        foreach (char c in text)
        {
            if (c is < '0' or > '9')
                return false;
        }
        return true;
    }

    /// <summary>True when the text holds NUL or other control characters a text file never has.</summary>
    public static bool LooksBinary(ReadOnlySpan<char> line)
    {
        foreach (char c in line)
        {
            if (c == '\0' || c == '\uFFFD' || (c < ' ' && c != '\t'))
                return true;
        }
        return false;
    }
}
