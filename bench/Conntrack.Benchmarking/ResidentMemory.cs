using System.Globalization;

namespace Conntrack.Benchmarking;

/// <summary>The process's resident memory (VmRSS of /proc/self/status): what a table costs the machine, not only its heap.</summary>
public static class ResidentMemory
{
    /// <summary>Resident bytes now, or null where /proc does not say.</summary>
    public static long? Read()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/self/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The VmRSS line of a status file ("VmRSS:    123456 kB"), in bytes.</summary>
    public static long? Parse(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (string line in status.Split('\n'))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                continue;
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
        }
        return null;
    }
}
