namespace Conntrack.Doctor;

/// <summary>How full the table is and where each number came from.</summary>
public sealed record TableUsage(
    long? Count,
    string CountSource,
    long? Max,
    string MaxSource,
    long? Buckets,
    string BucketsSource,
    long? TableEntries,
    long? StatEntries)
{
    /// <summary>nf_conntrack_max = 0: no limit (kernels up to 6.18).</summary>
    public bool Unlimited => Max == 0;

    public double? FillPercent => Count is long c && Max is long m && m > 0 ? 100.0 * c / m : null;

    /// <summary>Chain nodes per bucket: every entry is linked twice (original and reply tuple).</summary>
    public double? AverageChain => Count is long c && Buckets is long b && b > 0 ? 2.0 * c / b : null;

    /// <summary>The same when the table is full.</summary>
    public double? AverageChainAtMax => Max is long m && m > 0 && Buckets is long b && b > 0 ? 2.0 * m / b : null;
}
