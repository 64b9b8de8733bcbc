using System.Globalization;

namespace Conntrack.Cli.Input;

/// <summary>
/// Option text → value, or a <see cref="UsageException"/> naming the option, the value and what was
/// expected. Numbers are checked after their unit is applied; NaN and infinities never pass.
/// </summary>
internal static class ValueParsers
{
    private const long Second = 1_000_000_000;

    public static Func<string, string, long> Whole(long min, long max) => (option, text) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? value
            : throw UsageException.For(option, text, $"a whole number from {min} to {max}");

    /// <summary>A page size for slab arithmetic: a power of two from 512 bytes to 1 GiB.</summary>
    public static int PageSize(string option, string text) =>
        long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value is >= 512 and <= 1 << 30 && (value & (value - 1)) == 0
            ? (int)value
            : throw UsageException.For(option, text, "a power of two from 512 to 1073741824");

    /// <summary>A finite number above 0 and at most <paramref name="max"/>.</summary>
    public static Func<string, string, double> Positive(double max, string what) => (option, text) =>
        TryFinite(text, out double value) && value > 0 && value <= max
            ? value
            : throw UsageException.For(option, text, $"{what} above 0 and at most {max.ToString("0.###", CultureInfo.InvariantCulture)}");

    /// <summary>"20%" or "20" (percent, 0 to 1000) → 0.2.</summary>
    public static double Percent(string option, string text) =>
        TryFinite(text.Trim().TrimEnd('%'), out double value) && value is >= 0 and <= 1000
            ? value / 100
            : throw UsageException.For(option, text, "a percentage from 0% to 1000% such as 20%");

    /// <summary>"90", "90s", "10m", "2h", "1d" → nanoseconds, from 1 ms to <paramref name="max"/>.</summary>
    public static Func<string, string, long> Duration(long max) => (option, text) =>
    {
        double nanoseconds = WithUnit(text, c => char.ToLowerInvariant(c) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => 0,
        }) * Second;
        return nanoseconds >= Second / 1000 && nanoseconds <= max
            ? (long)nanoseconds
            : throw UsageException.For(option, text, $"a length such as 90s, 10m, 2h or 1d, from 1 ms to {max / Second / 86400}d");
    };

    /// <summary>"65536", "64K", "8M", "1.5G" → bytes (binary multiples), from 1 byte to 1 PiB.</summary>
    public static long Bytes(string option, string text)
    {
        double bytes = WithUnit(text, c => char.ToUpperInvariant(c) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 0,
        });
        return bytes >= 1 && bytes <= 1L << 50
            ? (long)bytes
            : throw UsageException.For(option, text, "a size such as 65536, 64K, 8M or 1G, at most 1048576G");
    }

    /// <summary>One of <paramref name="choices"/>, exactly.</summary>
    public static Func<string, string, string> OneOf(params string[] choices) => (option, text) =>
        choices.Contains(text, StringComparer.Ordinal) ? text : throw UsageException.For(option, text, "one of " + string.Join(", ", choices));

    /// <summary>The number times its unit (a bare number has unit 1; an unknown letter gives NaN).</summary>
    private static double WithUnit(string text, Func<char, long> unitOf)
    {
        string t = text.Trim();
        long unit = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit = unitOf(t[^1]);
            t = t[..^1];
        }
        return unit > 0 && TryFinite(t, out double value) ? value * unit : double.NaN;
    }

    private static bool TryFinite(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
