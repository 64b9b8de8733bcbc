using System.Globalization;

namespace Conntrack.Capture;

/// <summary>A nanosecond duration written as exact seconds ("1.000000500 s") in issue texts, without allocating.</summary>
internal readonly struct Seconds(ulong nanoseconds) : ISpanFormattable
{
    private const ulong NanosecondsPerSecond = 1_000_000_000;

    /// <summary>The time from <paramref name="earlier"/> to <paramref name="later"/>, exact even across the whole 64-bit range.</summary>
    public static ulong Between(long earlier, long later) => unchecked((ulong)(later - earlier));

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{nanoseconds / NanosecondsPerSecond}.{nanoseconds % NanosecondsPerSecond:D9} s", out charsWritten);

    public string ToString(string? format, IFormatProvider? formatProvider) => string.Create(CultureInfo.InvariantCulture, $"{this}");

    public override string ToString() => ToString(null, null);
}
