using System.Runtime.CompilerServices;
namespace Conntrack.Host.Tables;

/// <summary>
/// How long ago the entries of one timeout class were last refreshed ("age" = the class timeout
/// minus the remaining seconds), in bins that are exact at every value a timeout is usually set to:
/// 1 s below 10 min, 10 s below 2 h, 1 min below 1 day, 10 min below 10 days, 1 h beyond.
/// Fixed size, whatever the table holds.
/// </summary>
public sealed class AgeHistogram
{
    private static readonly (long Start, long Step)[] Ranges =
    [
        (0, 1), (600, 10), (7200, 60), (86_400, 600), (864_000, 3600), (4_464_000, 0),
    ];

    private static readonly int[] FirstBin = BuildFirstBins();
    private readonly long[] _bins = new long[FirstBin[^1] + 1];

    public long Total { get; private set; }

    private static int[] BuildFirstBins()
    {
        var first = new int[Ranges.Length];
        int bin = 0;
        for (int i = 0; i < Ranges.Length; i++)
        {
            first[i] = bin;
            if (i + 1 < Ranges.Length)
                bin += (int)((Ranges[i + 1].Start - Ranges[i].Start) / Ranges[i].Step);
        }
        return first;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long ageSeconds)
    {
        _bins[BinOf(Math.Max(0, ageSeconds))]++;
        Total++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BinOf(long age)
    {
        for (int i = Ranges.Length - 1; i >= 0; i--)
        {
            if (age >= Ranges[i].Start)
                return Ranges[i].Step == 0 ? FirstBin[i] : FirstBin[i] + (int)((age - Ranges[i].Start) / Ranges[i].Step);
        }
        return 0;
    }

    /// <summary>First age (seconds) counted in <paramref name="bin"/>.</summary>
    private static long BinStart(int bin)
    {
        for (int i = Ranges.Length - 1; i >= 0; i--)
        {
            if (bin >= FirstBin[i])
                return Ranges[i].Start + ((bin - FirstBin[i]) * Ranges[i].Step);
        }
        return 0;
    }

    /// <summary>True when counts at this age are exact (a bin boundary).</summary>
    public static bool IsExactAt(long ageSeconds) => ageSeconds <= 0 || BinStart(BinOf(ageSeconds)) == ageSeconds;

    /// <summary>
    /// Entries at least <paramref name="ageSeconds"/> old. Exact at bin boundaries; elsewhere the
    /// partial bin is left out, so the count errs low (fewer entries "gone", never more).
    /// </summary>
    public long CountAtLeast(long ageSeconds)
    {
        if (ageSeconds <= 0)
            return Total;
        int bin = BinOf(ageSeconds);
        if (BinStart(bin) < ageSeconds)
            bin++;
        long sum = 0;
        for (int i = bin; i < _bins.Length; i++)
            sum += _bins[i];
        return sum;
    }
}
