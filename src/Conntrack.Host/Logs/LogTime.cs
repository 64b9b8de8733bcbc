using System.Globalization;

namespace Conntrack.Host.Logs;

/// <summary>
/// When a kernel log line was written, as far as its prefix says: wall clock (syslog, journal,
/// <c>dmesg -T</c>; BSD syslog has no year) and/or seconds since boot (<c>[ 123.456789]</c>).
/// </summary>
public readonly record struct LogTime(long WallTicks, bool HasYear, long MonoMicros)
{
    /// <summary>Year given to BSD syslog times, which carry none (a leap year, so Feb 29 parses).</summary>
    public const int PlaceholderYear = 2000;

    public static LogTime None => new(0, false, -1);

    public bool HasWall => WallTicks != 0;
    public bool HasMono => MonoMicros >= 0;
    public bool IsKnown => HasWall || HasMono;

    public DateTime Wall => new(WallTicks, DateTimeKind.Unspecified);

    public LogTime WithMono(long micros) => this with { MonoMicros = micros };

    /// <summary>Seconds between two times on the same clock; null when they share none.</summary>
    public static double? SecondsBetween(LogTime earlier, LogTime later)
    {
        if (earlier.HasWall && later.HasWall)
            return (later.WallTicks - earlier.WallTicks) / (double)TimeSpan.TicksPerSecond;
        if (earlier.HasMono && later.HasMono)
            return (later.MonoMicros - earlier.MonoMicros) / 1e6;
        return null;
    }

    /// <summary>"2019-02-25 03:45:03", "Aug 30 13:25:46" (no year known), "831.810 s after boot", or "".</summary>
    public override string ToString()
    {
        if (HasWall)
        {
            return HasYear
                ? Wall.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                : Wall.ToString("MMM d HH:mm:ss", CultureInfo.InvariantCulture);
        }
        return HasMono ? (MonoMicros / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " s after boot" : "";
    }

    /// <summary>ISO 8601 for JSON (no offset: syslog times are local), or seconds after boot, or null.</summary>
    public string? ToJson()
    {
        if (HasWall)
            return HasYear ? Wall.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture) : Wall.ToString("MMM d HH:mm:ss", CultureInfo.InvariantCulture);
        return HasMono ? (MonoMicros / 1e6).ToString("0.000000", CultureInfo.InvariantCulture) + " s after boot" : null;
    }
}
