namespace Conntrack.Replay.KernelLog;

/// <summary>
/// The kernel's shared networking message limiter (net_ratelimit), in two generations:
/// the fixed window of lib/ratelimit.c (the first 10 calls of a 5-second window print; the first
/// call after the window reports how many were missed) and the older token bucket of
/// __printk_ratelimit (10 messages of credit, one message per 5 s of credit, refilled by elapsed time).
/// Times are nanoseconds.
/// </summary>
public sealed class NetRateLimiter
{
    private const long Interval = 5_000_000_000; // net.core.message_cost = 5 s
    private const int Burst = 10;                // net.core.message_burst

    private readonly bool _tokenBucket;
    private long _begin = long.MinValue;
    private int _printed;
    private long _tokens = Burst * Interval;
    private long _last = long.MinValue;

    public NetRateLimiter(bool tokenBucket) => _tokenBucket = tokenBucket;

    /// <summary>Calls counted as missed and not yet reported by a "suppressed" line.</summary>
    public long Missed { get; private set; }

    /// <summary>
    /// One call of net_ratelimit() at <paramref name="now"/>: true when the message prints.
    /// <paramref name="reportMissed"/> is the number of earlier misses the kernel reports first (0 for none).
    /// </summary>
    public bool Allow(long now, out long reportMissed)
    {
        reportMissed = 0;
        if (_tokenBucket)
        {
            if (_last != long.MinValue)
                _tokens = Math.Min(Burst * Interval, _tokens + (now - _last));
            _last = now;
            if (_tokens >= Interval)
            {
                _tokens -= Interval;
                reportMissed = Missed;
                Missed = 0;
                return true;
            }
            Missed++;
            return false;
        }
        if (_begin == long.MinValue)
            _begin = now;
        if (now > _begin + Interval)
        {
            reportMissed = Missed;
            Missed = 0;
            _begin = now;
            _printed = 0;
        }
        if (_printed < Burst)
        {
            _printed++;
            return true;
        }
        Missed++;
        return false;
    }
}
