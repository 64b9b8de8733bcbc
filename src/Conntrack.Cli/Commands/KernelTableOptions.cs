using System.CommandLine;
using Conntrack.Cli.Input;
using Conntrack.Host.Listing;

namespace Conntrack.Cli.Commands;

/// <summary>The options every live-table command shares: the namespace and the output format.</summary>
internal sealed class KernelTableOptions(bool events)
{
    public Option<string?> Netns { get; } = new("--netns")
    {
        Description = "Network namespace: a name from 'ip netns list', pid:PID, or a path such as /proc/PID/ns/net (default: ctnet's own).",
        HelpName = "NETNS",
    };

    public Option<OutputChoice?> Output { get; } = new Option<OutputChoice?>("--output", "-o")
    {
        Description = events
            ? "extended, id, timestamp (combinable: -o extended,timestamp), or json (one object per line)."
            : "extended (L3 protocol first, as /proc/net/nf_conntrack), id, or json (one object per line); extended,id combines.",
        HelpName = "FORMAT",
    }.ParsedBy((name, text) => OutputChoice.Parse(name, text, events));

    public void AddTo(Command command)
    {
        command.Add(Netns);
        command.Add(Output);
    }

    public OutputChoice OutputOf(ParseResult parse) => parse.GetValue(Output) ?? default;
}

/// <summary>A parsed <c>-o</c>: the line flags, or JSON.</summary>
internal readonly record struct OutputChoice(ConntrackLineFormat Line, bool Json)
{
    /// <summary>Comma-separated conntrack names; json stands alone. conntrack accepts -o timestamp with -L and ignores it: so does ctnet.</summary>
    public static OutputChoice Parse(string option, string text, bool events)
    {
        var format = ConntrackLineFormat.Default;
        foreach (string part in text.Split(','))
        {
            switch (part.Trim())
            {
                case "extended":
                    format |= ConntrackLineFormat.Extended;
                    break;
                case "id":
                    format |= ConntrackLineFormat.Id;
                    break;
                case "timestamp":
                    format |= events ? ConntrackLineFormat.Timestamp : 0;
                    break;
                case "json" when !text.Contains(',', StringComparison.Ordinal):
                    return new OutputChoice(format, Json: true);
                default:
                    throw UsageException.For(option, text, events
                        ? "extended, id or timestamp, separated by commas, or json alone"
                        : "extended or id, separated by commas, or json alone");
            }
        }
        return new OutputChoice(format, Json: false);
    }
}
