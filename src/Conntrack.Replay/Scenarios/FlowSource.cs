namespace Conntrack.Replay.Scenarios;

/// <summary>
/// A kind of traffic: a stream of flows in order of their first packet, each flow a stream of
/// packets in time order. Sources are merged by <see cref="TrafficMixer"/>.
/// </summary>
public abstract class FlowSource
{
    /// <summary>
    /// The flows starting between <paramref name="start"/> and <paramref name="end"/> (Unix
    /// nanoseconds), in start order. A flow draws all its randomness when it is created, so its
    /// packets depend only on the seed.
    /// </summary>
    public abstract IEnumerable<ScheduledFlow> Flows(Random random, long start, long end);

    protected const long Second = 1_000_000_000;
    protected const long Millisecond = 1_000_000;

    /// <summary>Exponential inter-arrival time for a Poisson process of <paramref name="perSecond"/> events.</summary>
    protected static long NextArrival(Random random, double perSecond) =>
        (long)(-Math.Log(1.0 - random.NextDouble()) / perSecond * Second) + 1;
}
