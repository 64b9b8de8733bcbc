namespace Conntrack.Monitor;

/// <summary>
/// Time until the table is full, from the count's growth over a sliding window (a least-squares slope,
/// so one burst does not decide it). Not growing: +∞.
/// </summary>
internal sealed class GrowthForecast(TimeSpan window)
{
    private readonly Queue<(double Seconds, double Count)> _samples = new();

    public void Add(DateTimeOffset at, long count)
    {
        double t = at.ToUnixTimeMilliseconds() / 1000.0;
        _samples.Enqueue((t, count));
        while (_samples.Count > 2 && t - _samples.Peek().Seconds > window.TotalSeconds)
            _samples.Dequeue();
    }

    public double SecondsToFull(long count, long max)
    {
        if (max <= 0 || _samples.Count < 2)
            return double.PositiveInfinity;
        if (count >= max)
            return 0;
        double slope = Slope();
        return slope > 0 ? (max - count) / slope : double.PositiveInfinity;
    }

    private double Slope()
    {
        double n = _samples.Count, t0 = _samples.Peek().Seconds;
        double st = 0, sc = 0, stt = 0, stc = 0;
        foreach (var (seconds, count) in _samples)
        {
            double t = seconds - t0;
            (st, sc, stt, stc) = (st + t, sc + count, stt + (t * t), stc + (t * count));
        }
        double d = (n * stt) - (st * st);
        return d == 0 ? 0 : ((n * stc) - (st * sc)) / d;
    }
}
