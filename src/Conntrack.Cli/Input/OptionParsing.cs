using System.CommandLine;
using System.CommandLine.Parsing;

namespace Conntrack.Cli.Input;

/// <summary>
/// Gives options and arguments parsers that report a refused value as a parse error (never by
/// throwing), worded "OPTION 'VALUE': expected …".
/// </summary>
internal static class OptionParsing
{
    public static Option<T> ParsedBy<T>(this Option<T> option, Func<string, string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.CustomParser = result => Parse(result, option.Name, parse);
        return option;
    }

    public static Argument<T> ParsedBy<T>(this Argument<T> argument, Func<string, string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(argument);
        argument.CustomParser = result => Parse(result, argument.Name, parse);
        return argument;
    }

    /// <summary>Nullable options: absent stays null, present goes through <paramref name="parse"/>.</summary>
    public static Option<T?> ParsedBy<T>(this Option<T?> option, Func<string, string, T> parse)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(option);
        option.CustomParser = result => Parse<T?>(result, option.Name, (name, text) => parse(name, text));
        return option;
    }

    /// <summary>
    /// Numeric options still on the library's converter (whose failure names a CLR type) get a strict
    /// one over their whole type's range; each command still checks its own range afterwards.
    /// </summary>
    public static void Harden(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> o when o.CustomParser is null:
                    o.ParsedBy((name, text) => (int)ValueParsers.Whole(int.MinValue, int.MaxValue)(name, text));
                    break;
                case Option<int?> o when o.CustomParser is null:
                    o.ParsedBy((name, text) => (int)ValueParsers.Whole(int.MinValue, int.MaxValue)(name, text));
                    break;
                case Option<long> o when o.CustomParser is null:
                    o.ParsedBy(ValueParsers.Whole(long.MinValue, long.MaxValue));
                    break;
                case Option<long?> o when o.CustomParser is null:
                    o.ParsedBy(ValueParsers.Whole(long.MinValue, long.MaxValue));
                    break;
            }
        }
        foreach (var sub in command.Subcommands)
            Harden(sub);
    }

    private static T? Parse<T>(ArgumentResult result, string name, Func<string, string, T> parse)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        try
        {
            return parse(name, text);
        }
        catch (UsageException e)
        {
            result.AddError(e.Message);
            return default;
        }
    }
}
