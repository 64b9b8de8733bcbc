using System.Globalization;

namespace Conntrack.Doctor;

/// <summary>How full the table may be, in percent of nf_conntrack_max, before the check warns and goes critical.</summary>
public sealed record CheckThresholds(double WarningPercent, double CriticalPercent)
{
    /// <summary>node-mixin's NodeConntrackTableFull alert fires above 75 %.</summary>
    public const double DefaultWarningPercent = 75;

    /// <summary>netdata's netfilter.conntrack_full alarm is critical above 90 %.</summary>
    public const double DefaultCriticalPercent = 90;

    public static CheckThresholds Default { get; } = new(DefaultWarningPercent, DefaultCriticalPercent);

    /// <summary>
    /// Thresholds from option values (null: the default); throws <see cref="ArgumentException"/> with one line
    /// naming the option unless both are finite numbers with 0 &lt; warning ≤ critical ≤ 100.
    /// </summary>
    public static CheckThresholds Parse(string? warning, string? critical)
    {
        double w = Percent("--warning", warning, DefaultWarningPercent);
        double c = Percent("--critical", critical, DefaultCriticalPercent);
        if (w > c)
            throw new ArgumentException(Invariant($"--warning {w} is above --critical {c}: expected warning <= critical"));
        return new CheckThresholds(w, c);
    }

    private static double Percent(string option, string? text, double fallback)
    {
        if (text is null)
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0 || value > 100)
            throw new ArgumentException($"{option} '{text}': expected a percentage of nf_conntrack_max above 0 and at most 100");
        return value;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
