using System.CommandLine;
using System.CommandLine.Invocation;
using Conntrack.Cli.Commands;
using Conntrack.Cli.Input;

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
            ListCommand.Create(),
            CountCommand.Create(),
            StatsCommand.Create(),
            DeleteCommand.Create(),
            EventsCommand.Create(),
            ServeCommand.Create(),
            TopCommand.Create(),
        };
        OptionParsing.Harden(root);
        var parse = root.Parse(args);
        // --help clears parse errors and runs normally; any other error is one line, exit code 2.
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
            return CliErrors.ParseFailed(parse);
        return CliErrors.Guard(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
    }
}
