using System.Globalization;

namespace Conntrack.Doctor;

/// <summary>Number formatting shared by the doctor's sentences and reports.</summary>
public static class DoctorText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string N(long value) => value.ToString("N0", Inv);

    public static string N(long? value) => value is long v ? N(v) : "?";

    public static string Percent(double value) => value >= 10 ? value.ToString("0", Inv) : value.ToString("0.#", Inv);

    /// <summary>Binary units: "14.25 MiB".</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.##", Inv) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.##", Inv) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.##", Inv) + " KiB",
        _ => bytes.ToString(Inv) + " B",
    };

    /// <summary>"5 days", "1 day", "2 h", "120 s".</summary>
    public static string Duration(long seconds) => seconds switch
    {
        >= 86_400 when seconds % 86_400 == 0 => $"{N(seconds / 86_400)} day{(seconds == 86_400 ? "" : "s")}",
        >= 3600 when seconds % 3600 == 0 => $"{N(seconds / 3600)} h",
        >= 3600 => $"{(seconds / 3600.0).ToString("0.##", Inv)} h",
        _ => $"{N(seconds)} s",
    };
}
