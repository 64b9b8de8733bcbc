using Conntrack.Settings;

namespace Conntrack.Replay.Planning;

/// <summary>
/// Projects a replay's table to its steady state. Rates come from entries created early enough to
/// have reached the class they leave from (older than the longest settling time, at most a quarter
/// of the capture); when a class's arrivals differ between the two halves of that window, the later
/// half is used. Each class then holds arrivals × mean holding time (Little's law); expired entries
/// wait up to one collector cycle to be reaped; the count fluctuates by about √mean (Poisson).
/// Established connections never closed in the capture are held as they were, plus their arrival
/// rate × the time until the horizon, if one is given.
/// </summary>
public static class SteadyStateProjection
{
    private const int MinIntervals = 4;
    private const double Sigmas = 3;

    /// <summary>The projection, or null when the capture is too short to take rates from.</summary>
    public static TableProjection? From(ReplayResult replay, ConntrackSettings settings, double horizonSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(settings);
        var h = replay.Holding;
        if (h.Start == long.MinValue)
            return null;
        double capture = (h.End - h.Start) / 1e9;
        double width = h.Width / 1e9;
        double settling = Math.Min(h.LongestSettlingSeconds, capture / 4);
        int window = (int)Math.Min(HoldingTimes.MaxIntervals, Math.Floor((capture - settling) / width));
        if (window < MinIntervals)
            return null;

        var classes = new List<ClassProjection>();
        OpenConnections? open = null;
        double arrivals = 0;
        for (int c = 0; c < EntryClass.Count; c++)
        {
            var rate = Rate(h, c, window, width, t => t.Held);
            if (rate.PerSecond > 0)
            {
                var (held, error) = Holding(h, c, rate.First, window);
                double entries = rate.PerSecond * held;
                double uncertainty = Math.Sqrt(Math.Pow(rate.Error * held, 2) + Math.Pow(rate.PerSecond * error, 2));
                classes.Add(new ClassProjection(EntryClass.Label(c), EntryClass.Timeout(c), h.AtEnd(c), rate.PerSecond, held, entries, uncertainty, rate.Changed));
                arrivals += rate.PerSecond;
            }
            if (EntryClass.IsOpenEnded(c))
                open = Open(h, c, window, width, settling, capture, horizonSeconds, settings) ?? open;
        }
        classes.Sort(static (a, b) => b.Entries.CompareTo(a.Entries));
        double cycle = replay.Table.CollectorCycle / 1e9;
        double unreaped = arrivals * cycle;
        double mean = classes.Sum(c => c.Entries) + unreaped;
        return new TableProjection
        {
            CaptureSeconds = capture,
            Classes = classes,
            Open = open,
            CollectorCycleSeconds = cycle,
            Unreaped = unreaped,
            Fluctuation = Sigmas * Math.Sqrt(mean),
            HorizonSeconds = horizonSeconds,
        };
    }

    private static OpenConnections? Open(HoldingTimes h, int c, int window, double width, double settling, double capture, double horizonSeconds, ConntrackSettings settings)
    {
        long held = 0;
        for (int i = 0; i < window; i++)
            held += h.At(c, i).Open;
        if (held == 0)
            return null;
        var rate = Rate(h, c, window, width, t => t.Open);
        // Connections younger than the settling time cannot yet be told from short ones in progress: count them by rate.
        double atEnd = held + (rate.PerSecond * settling);
        double growth = Math.Max(0, horizonSeconds - capture);
        long timeout = EntryClass.Timeout(c) is { } t ? settings.Get(t) : 0;
        return new OpenConnections((int)held, atEnd, rate.PerSecond, atEnd + (rate.PerSecond * growth), rate.Error * (settling + growth), timeout, rate.Changed);
    }

    private readonly record struct Arrivals(double PerSecond, double Error, int First, bool Changed);

    /// <summary>
    /// Arrivals per second over the window, or over its later half when the halves differ by more
    /// than 3 standard errors and 20 %; the error is the spread of the per-interval counts.
    /// </summary>
    private static Arrivals Rate(HoldingTimes h, int c, int window, double width, Func<HoldingTimes.Tally, long> count)
    {
        int half = window / 2;
        double first = 0, second = 0;
        for (int i = 0; i < window; i++)
        {
            if (i < half)
                first += count(h.At(c, i));
            else
                second += count(h.At(c, i));
        }
        double r1 = first / (half * width), r2 = second / ((window - half) * width);
        double difference = Math.Abs(r1 - r2);
        bool changed = difference > Sigmas * Math.Sqrt((first / Math.Pow(half * width, 2)) + (second / Math.Pow((window - half) * width, 2)))
            && difference > 0.2 * Math.Max(r1, r2);
        int from = changed ? half : 0;
        int n = window - from;
        double sum = 0, squares = 0;
        for (int i = from; i < window; i++)
        {
            double x = count(h.At(c, i));
            sum += x;
            squares += x * x;
        }
        double mean = sum / n;
        double variance = Math.Max(0, (squares / n) - (mean * mean)) * n / (n - 1);
        return new Arrivals(mean / width, Math.Sqrt(variance / n) / width, from, changed);
    }

    /// <summary>Mean holding time of the entries created in intervals [from, to), and its standard error.</summary>
    private static (double Mean, double Error) Holding(HoldingTimes h, int c, int from, int to)
    {
        long n = 0;
        double sum = 0, squares = 0;
        for (int i = from; i < to; i++)
        {
            var t = h.At(c, i);
            n += t.Held;
            sum += t.Seconds;
            squares += t.SquaredSeconds;
        }
        if (n == 0)
            return (0, 0);
        double mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(0, (squares / n) - (mean * mean)) / n));
    }
}
