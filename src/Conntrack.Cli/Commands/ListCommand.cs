using System.CommandLine;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;
using Conntrack.Cli.Input;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet list</c>: the live table over ctnetlink, line for line as <c>conntrack -L</c> prints it.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var filter = new TableFilterOptions();
        var options = new KernelTableOptions(events: false);
        var command = new Command("list", "List the kernel's conntrack table over ctnetlink, exactly as conntrack -L prints it (same filters, -o extended/id, or -o json).");
        filter.AddTo(command);
        options.AddTo(command);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var entryFilter = filter.Build(parse);
            var output = options.OutputOf(parse);
            using var client = ConntrackClient.Open(NetnsParser.Parse(parse.GetValue(options.Netns)));
            long shown = Stream(client, entryFilter, output);
            ConntrackSummary.Print(shown, "flow entries have been shown");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Dumps, filters and prints each entry as it arrives (64 KiB writes to stdout); returns the entries printed.</summary>
    public static long Stream(ConntrackClient client, EntryFilter filter, OutputChoice output)
    {
        var matcher = new EntryMatcher(filter);
        using var printer = EntryPrinter.ToStandardOutput(output);
        long shown = 0;
        printer.Guard(() => client.Dump(KernelDump.Request(filter), (in KernelEntry e) =>
        {
            if (!matcher.Matches(e))
                return;
            shown++;
            printer.Print(e);
        }));
        return shown;
    }
}
