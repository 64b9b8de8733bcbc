using System.CommandLine;
using Conntrack.Cli.Commands;
using Conntrack.Cli.Input;
using Conntrack.Host.Listing;

namespace Conntrack.Cli.Top;

/// <summary>The filter typed after <c>f</c> or <c>/</c>: conntrack's filter options, as on the command line.</summary>
internal static class TopFilterParser
{
    /// <summary>Null for an empty filter; a <see cref="UsageException"/> with one line for a refused one.</summary>
    public static EntryFilter? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            return null;
        var options = new TableFilterOptions();
        var command = new Command("filter");
        options.AddTo(command);
        var parse = command.Parse(words);
        if (parse.Errors.Count > 0)
            throw new UsageException(parse.Errors[0].Message);
        return options.Build(parse);
    }
}
