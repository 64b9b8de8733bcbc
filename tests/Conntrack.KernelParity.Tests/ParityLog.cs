using Conntrack.KernelParity.Tests.Comparison;

namespace Conntrack.KernelParity.Tests;

/// <summary>
/// Collects every scenario's figure and mismatches in one file beside the test binaries
/// (kernel-parity.log), so a whole run can be read at once instead of test by test.
/// </summary>
internal static class ParityLog
{
    private static readonly Lock Gate = new();
    private static bool _started;

    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "kernel-parity.log");

    public static void Append(ParityReport report, string details) => Append(report.Describe(), details);

    /// <summary>Any row's figure (its first line) and details.</summary>
    public static void Append(string figure, string details)
    {
        lock (Gate)
        {
            if (!_started)
            {
                File.WriteAllText(Path, $"# kernel parity run {DateTime.UtcNow:O}\n");
                _started = true;
            }
            File.AppendAllText(Path, figure + "\n  " + details.Replace("\n", "\n  ", StringComparison.Ordinal) + "\n");
        }
    }
}
