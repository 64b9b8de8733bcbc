using System.CommandLine;
using Conntrack.Cli.Commands;

namespace Conntrack.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("ctnet — replay traffic through a Linux-compatible connection tracker and see what the table does.")
        {
            ReplayCommand.Create(),
            DemoCommand.Create(),
            DoctorCommand.Create(),
            SnapshotCommand.Create(),
            GenCommand.Create(),
            PlanCommand.Create(),
            BenchCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
