using System.Globalization;

namespace Conntrack.Capture.Tests;

/// <summary>Turns annotated hex dumps into bytes, so test inputs can be read next to their meaning.</summary>
internal static class Hex
{
    /// <summary>Parses hex digit pairs; whitespace and '|' separate, "//" starts a comment to the end of the line.</summary>
    public static byte[] Parse(string text)
    {
        var bytes = new List<byte>();
        foreach (string rawLine in text.Split('\n'))
        {
            int comment = rawLine.IndexOf("//", StringComparison.Ordinal);
            string line = comment >= 0 ? rawLine[..comment] : rawLine;
            string digits = new(line.Where(Uri.IsHexDigit).ToArray());
            if (digits.Length % 2 != 0)
            {
                throw new FormatException($"odd number of hex digits in line: {rawLine}");
            }

            for (int i = 0; i < digits.Length; i += 2)
            {
                bytes.Add(byte.Parse(digits.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return [.. bytes];
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
