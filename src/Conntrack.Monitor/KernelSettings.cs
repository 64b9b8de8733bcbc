using System.Globalization;

namespace Conntrack.Monitor;

/// <summary>The global table settings the monitor reports beside each namespace's counters.</summary>
internal static class KernelSettings
{
    private const string BucketsFile = "/proc/sys/net/netfilter/nf_conntrack_buckets";

    /// <summary>nf_conntrack_buckets (global, the same in every namespace); 0 when it cannot be read.</summary>
    public static long Buckets()
    {
        try
        {
            return long.TryParse(File.ReadAllText(BucketsFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
