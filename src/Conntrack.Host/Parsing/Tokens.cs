using System.Globalization;
using System.Runtime.CompilerServices;

namespace Conntrack.Host.Parsing;

/// <summary>Whitespace tokenising and number parsing over spans, without allocation.</summary>
internal static class Tokens
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSpace(char c) => c is ' ' or '\t';

    /// <summary>Unsigned decimal, at most 18 digits (no sign, no spaces).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryLong(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 18)
            return false;
        foreach (char c in text)
        {
            uint digit = (uint)(c - '0');
            if (digit > 9)
                return false;
            value = (value * 10) + digit;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
