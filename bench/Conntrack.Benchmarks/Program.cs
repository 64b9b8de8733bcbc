using BenchmarkDotNet.Running;

namespace Conntrack.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is ["profile", var workload, var seconds])
            return ProfileDriver.Run(workload, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
