using System.Globalization;

namespace Conntrack.KernelParity.Tests.TableFull;

/// <summary>
/// The rules a table-full row is judged by. Chance enters in one place only: which buckets a new tuple's
/// early-drop scan visits (8 buckets from the hash of the tuple under a random key, different on each
/// side). Everything that does not depend on that is compared exactly.
/// </summary>
internal static class TableFullTolerance
{
    /// <summary>net_ratelimit's burst (net.core.message_burst): the most one shared window can shift the printed count.</summary>
    public const int LogBurst = 10;

    /// <summary>Relative drop tolerance (5 %) and its floor for small counts.</summary>
    public const double DropFraction = 0.05;
    public const int DropFloor = 5;

    /// <summary>max95 of the GC's early-drop mode: (max / 100) * 95 in integer arithmetic, 0 below 100.</summary>
    public static int Max95(int max) => max / 100 * 95;

    /// <summary>
    /// Two independent counts of the same random process (early drops; packets refused after an early
    /// drop made room for them): |k − e| ≤ 4·√(k + e) + 3, i.e. four standard deviations of the
    /// difference of two Poisson counts with one mean (a false alarm about once in 10⁴ rows; three
    /// were measured to fail about once in 10³), plus 3 so that tiny counts (0 vs 2) pass.
    /// </summary>
    public static bool SameProcess(long kernel, long engine, out string rule)
    {
        double allowed = (Sigmas * Math.Sqrt(kernel + engine)) + Slack;
        rule = string.Create(CultureInfo.InvariantCulture, $"|{kernel} − {engine}| = {Math.Abs(kernel - engine)} ≤ 4·√({kernel}+{engine})+3 = {allowed:0.0}");
        return Math.Abs(kernel - engine) <= allowed;
    }

    /// <summary>
    /// One side's early drops against the model of reference §6.2 (<see cref="ExpectedEarlyDrops"/>):
    /// |x − E| ≤ 4·√E + 3. Sharper than <see cref="SameProcess"/> (one count's spread instead of a
    /// difference's), so an engine that evicted half or twice as often would not pass by luck.
    /// </summary>
    public static bool NearExpectation(long observed, double expected, out string rule)
    {
        double allowed = (Sigmas * Math.Sqrt(expected)) + Slack;
        rule = string.Create(CultureInfo.InvariantCulture, $"|{observed} − {expected:0.0}| = {Math.Abs(observed - expected):0.0} ≤ 4·√{expected:0.0}+3 = {allowed:0.0}");
        return Math.Abs(observed - expected) <= allowed;
    }

    public const double Sigmas = 4;
    public const double Slack = 3;

    /// <summary>Drops: within 5 % of the larger count, or within 5 when both are small.</summary>
    public static bool DropsClose(long kernel, long engine, out string rule)
    {
        double allowed = Math.Max(DropFraction * Math.Max(kernel, engine), DropFloor);
        rule = string.Create(CultureInfo.InvariantCulture, $"|{kernel} − {engine}| = {Math.Abs(kernel - engine)} ≤ max(5 % of {Math.Max(kernel, engine)}, {DropFloor}) = {allowed:0.0}");
        return Math.Abs(kernel - engine) <= allowed;
    }

    /// <summary>
    /// Early drop's chance of success for one allocation: 1 − (1 − n/B)^8 with n the chain nodes of
    /// unassured entries (two per entry) and B the buckets; the expected early drops of a run are then
    /// about drops · p / (1 − p) (every success admits the packet instead of dropping it).
    /// </summary>
    public static double ExpectedEarlyDrops(long drops, int unassured, int buckets)
    {
        double p = 1 - Math.Pow(1 - (2.0 * unassured / buckets), 8);
        return drops * p / (1 - p);
    }
}
