using Conntrack.Timeouts;

namespace Conntrack.Replay.Planning;

/// <summary>
/// The table the capture's traffic leads to once every class has filled (Little's law per class:
/// arrivals per second × mean holding time), next to what the capture showed.
/// </summary>
public sealed record TableProjection
{
    /// <summary>From the first entry to the last packet, seconds.</summary>
    public required double CaptureSeconds { get; init; }

    /// <summary>Classes whose entries leave on their own (their holding time is known), largest first.</summary>
    public required IReadOnlyList<ClassProjection> Classes { get; init; }

    /// <summary>Established connections never closed in the capture, or null when there were none.</summary>
    public required OpenConnections? Open { get; init; }

    /// <summary>Time between the collector's sweeps: expired entries count until it reaps them.</summary>
    public required double CollectorCycleSeconds { get; init; }

    /// <summary>Expired entries the collector has not reaped yet, just before a sweep: arrivals × cycle.</summary>
    public required double Unreaped { get; init; }

    /// <summary>Three standard deviations of the count around its mean (Poisson: √mean).</summary>
    public required double Fluctuation { get; init; }

    /// <summary>Seconds of uptime sized for (open connections keep arriving until then), or 0 for the steady state.</summary>
    public required double HorizonSeconds { get; init; }

    /// <summary>The projected peak: classes + unreaped + open connections + fluctuation.</summary>
    public int Peak => (int)Math.Min(int.MaxValue, Math.Ceiling(Classes.Sum(c => c.Entries) + Unreaped + (Open?.Entries ?? 0) + Fluctuation));

    /// <summary>One standard error of <see cref="Peak"/> from the sampling of arrivals and holding times.</summary>
    public double Uncertainty => Math.Sqrt(Classes.Sum(c => c.Uncertainty * c.Uncertainty) + Math.Pow(Open?.Uncertainty ?? 0, 2));

    /// <summary>
    /// Classes held (until reaped) longer than the capture lasted: the table was still filling with
    /// them at the end. Classes under 1 % of the projection are left out (a stray flow is no trend).
    /// </summary>
    public IEnumerable<ClassProjection> Unsettled => Classes.Where(c =>
        c.MeanHoldingSeconds + CollectorCycleSeconds > CaptureSeconds && c.Entries >= 0.01 * Classes.Sum(x => x.Entries));

    /// <summary>True when every class had filled within the capture and no open connections kept arriving.</summary>
    public bool ReachedInCapture => !Unsettled.Any() && Open is not { Growing: true };
}

/// <summary>One class by Little's law: <see cref="Entries"/> = arrivals per second × mean holding time (lifetime + timeout).</summary>
public readonly record struct ClassProjection(string Class, TimeoutClass? Timeout, int AtEnd, double ArrivalsPerSecond, double MeanHoldingSeconds, double Entries, double Uncertainty, bool ArrivalsChanged);

/// <summary>
/// Established connections not closed when the capture ended: how many were held, how fast more
/// arrived, and where that leads. Their holding time is not bounded by the capture.
/// </summary>
/// <param name="Held">Connections older than the settling time, counted.</param>
/// <param name="AtEnd">Those plus the younger ones, estimated by rate (they cannot yet be told from short connections in progress).</param>
/// <param name="ArrivalsPerSecond">New long-lived connections per second.</param>
/// <param name="Entries">What they hold at the horizon (<see cref="AtEnd"/> without one).</param>
/// <param name="Uncertainty">One standard error of <see cref="Entries"/>.</param>
/// <param name="TimeoutSeconds">nf_conntrack_tcp_timeout_established.</param>
/// <param name="ArrivalsChanged">Whether the rate is the later half's (the halves differed).</param>
public readonly record struct OpenConnections(int Held, double AtEnd, double ArrivalsPerSecond, double Entries, double Uncertainty, long TimeoutSeconds, bool ArrivalsChanged)
{
    /// <summary>New long-lived connections kept arriving: the table grows with uptime.</summary>
    public bool Growing => ArrivalsPerSecond > 0;

    /// <summary>Where idle connections that are never closed end up: arrivals × the established timeout.</summary>
    public double AtTimeout => AtEnd + (ArrivalsPerSecond * TimeoutSeconds);
}
