using System.CommandLine;
using Conntrack.Cli.Input;
using Conntrack.Host.Listing;
using Conntrack.Host.Netlink;

namespace Conntrack.Cli.Commands;

/// <summary>
/// <c>ctnet delete</c>: removes the entries a filter selects (<c>conntrack -D</c>), printing each as <c>-L</c> does.
/// Without a filter it refuses unless <c>--all</c>; <c>--dry-run</c> prints what would go and deletes nothing.
/// </summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var filter = new TableFilterOptions();
        var options = new KernelTableOptions(events: false);
        var all = new Option<bool>("--all") { Description = "Delete every entry (required when no filter is given)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the entries that would be deleted; delete nothing." };
        var command = new Command("delete", "Delete the kernel's conntrack entries a filter selects (conntrack -D); refuses without a filter unless --all.");
        filter.AddTo(command);
        options.AddTo(command);
        command.Add(all);
        command.Add(dryRun);
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var entryFilter = filter.Build(parse);
            bool everything = parse.GetValue(all);
            if (entryFilter.IsEmpty && !everything)
                throw new UsageException("delete without a filter would remove every entry: give a filter (see ctnet delete --help) or --all");
            if (!entryFilter.IsEmpty && everything)
                throw new UsageException("--all deletes every entry: it does not go with a filter");
            var output = options.OutputOf(parse);
            using var client = ConntrackClient.Open(NetnsParser.Parse(parse.GetValue(options.Netns)));
            if (parse.GetValue(dryRun))
            {
                long would = ListCommand.Stream(client, entryFilter, output);
                ConntrackSummary.Print(would, "flow entries would be deleted (dry run)");
                return ExitCodes.Success;
            }
            long deleted = Delete(client, entryFilter, output);
            ConntrackSummary.Print(deleted, "flow entries have been deleted");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static long Delete(ConntrackClient client, EntryFilter filter, OutputChoice output)
    {
        var matcher = new EntryMatcher(filter);
        using var printer = EntryPrinter.ToStandardOutput(output);
        long deleted = 0;
        printer.Guard(() => deleted = client.DeleteWhere(KernelDump.Request(filter), matcher.Matches, (in KernelEntry e) => printer.Print(e)).Deleted);
        return deleted;
    }
}
