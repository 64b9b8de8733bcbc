using System.CommandLine;
using Conntrack.Cli.Input;
using Conntrack.Flows;
using Conntrack.Host.Listing;
using Conntrack.Table;

namespace Conntrack.Cli.Commands;

/// <summary>conntrack(8)'s filter options, with its short names, shared by list, count, delete and events.</summary>
internal sealed class TableFilterOptions
{
    public Option<AddressPrefix?> Source { get; } = Address("--src", "-s", "--orig-src", "Original source address, optionally with a prefix length (10.0.0.0/8).");
    public Option<AddressPrefix?> Destination { get; } = Address("--dst", "-d", "--orig-dst", "Original destination address[/prefix].");
    public Option<AddressPrefix?> ReplySource { get; } = Address("--reply-src", "-r", null, "Reply source address[/prefix] (the DNAT target under NAT).");
    public Option<AddressPrefix?> ReplyDestination { get; } = Address("--reply-dst", "-q", null, "Reply destination address[/prefix] (the SNAT address under NAT).");

    public Option<byte?> Protocol { get; } = new Option<byte?>("--proto", "-p")
    {
        Description = "Protocol: tcp, udp, udplite, icmp, icmpv6, sctp, gre, dccp or a number.",
        HelpName = "PROTO",
    }.ParsedBy(FilterParsers.Protocol);

    public Option<IpFamily?> Family { get; } = new Option<IpFamily?>("--family", "-f")
    {
        Description = "Address family: ipv4 or ipv6 (default: both).",
        HelpName = "FAMILY",
    }.ParsedBy(FilterParsers.Family);

    public Option<ushort?> SourcePort { get; } = Port("--sport", "--orig-port-src", "Original source port (needs -p with ports).");
    public Option<ushort?> DestinationPort { get; } = Port("--dport", "--orig-port-dst", "Original destination port (needs -p with ports).");
    public Option<ushort?> ReplySourcePort { get; } = Port("--reply-port-src", null, "Reply source port (needs -p with ports).");
    public Option<ushort?> ReplyDestinationPort { get; } = Port("--reply-port-dst", null, "Reply destination port (needs -p with ports).");

    public Option<string?> State { get; } = new("--state")
    {
        Description = "Protocol state as conntrack prints it (ESTABLISHED, TIME_WAIT, …; needs -p tcp, sctp or dccp).",
        HelpName = "STATE",
    };

    public Option<(uint Mark, uint Mask)?> Mark { get; } = new Option<(uint Mark, uint Mask)?>("--mark", "-m")
    {
        Description = "Connection mark, optionally /MASK: entries with (mark & MASK) == (MARK & MASK).",
        HelpName = "MARK[/MASK]",
    }.ParsedBy(FilterParsers.Mark);

    public Option<(EntryStatus Mask, EntryStatus Value)?> Status { get; } = new Option<(EntryStatus Mask, EntryStatus Value)?>("--status", "-u")
    {
        Description = "Status bits that must be set, separated by commas: EXPECTED, SEEN_REPLY, ASSURED, FIXED_TIMEOUT, OFFLOAD, HW_OFFLOAD; UNREPLIED = no reply seen.",
        HelpName = "STATUS",
    }.ParsedBy(FilterParsers.Status);

    public Option<ushort?> Zone { get; } = ZoneOption("--zone", "-w", "Zone of the entry (0 = the default zone).");
    public Option<ushort?> OriginalZone { get; } = ZoneOption("--orig-zone", null, "Zone of the original direction only (nft ct original zone set).");
    public Option<ushort?> ReplyZone { get; } = ZoneOption("--reply-zone", null, "Zone of the reply direction only.");

    private Option[] All => [
        Source, Destination, ReplySource, ReplyDestination, Protocol, Family, SourcePort, DestinationPort,
        ReplySourcePort, ReplyDestinationPort, State, Mark, Status, Zone, OriginalZone, ReplyZone,
    ];

    public void AddTo(Command command)
    {
        foreach (var option in All)
            command.Add(option);
    }

    /// <summary>The filter options given, as conntrack options again ("-p tcp --dport 443"), for showing the filter.</summary>
    public string Text(ParseResult parse) => string.Join(' ', All
        .Select(o => parse.GetResult(o))
        .OfType<System.CommandLine.Parsing.OptionResult>()
        .Where(r => !r.Implicit)
        .Select(r => r.IdentifierToken is { } name ? $"{name.Value} {string.Join(' ', r.Tokens.Select(t => t.Value))}" : ""));

    /// <summary>The filter, after the checks that need more than one option (ports and states need -p, one family).</summary>
    public EntryFilter Build(ParseResult parse)
    {
        byte? protocol = parse.GetValue(Protocol);
        var filter = new EntryFilter
        {
            Family = parse.GetValue(Family),
            Protocol = protocol,
            OriginalSource = parse.GetValue(Source),
            OriginalDestination = parse.GetValue(Destination),
            ReplySource = parse.GetValue(ReplySource),
            ReplyDestination = parse.GetValue(ReplyDestination),
            OriginalSourcePort = PortNeedingProtocol(parse, SourcePort, protocol),
            OriginalDestinationPort = PortNeedingProtocol(parse, DestinationPort, protocol),
            ReplySourcePort = PortNeedingProtocol(parse, ReplySourcePort, protocol),
            ReplyDestinationPort = PortNeedingProtocol(parse, ReplyDestinationPort, protocol),
            State = parse.GetValue(State) is { } state ? FilterParsers.State(State.Name, state, protocol) : null,
            Mark = parse.GetValue(Mark)?.Mark,
            MarkMask = parse.GetValue(Mark)?.Mask ?? uint.MaxValue,
            StatusMask = parse.GetValue(Status)?.Mask ?? 0,
            StatusValue = parse.GetValue(Status)?.Value ?? 0,
            Zone = parse.GetValue(Zone),
            OriginalZone = parse.GetValue(OriginalZone),
            ReplyZone = parse.GetValue(ReplyZone),
        };
        CheckFamilies(filter);
        return filter;
    }

    private static ushort? PortNeedingProtocol(ParseResult parse, Option<ushort?> option, byte? protocol)
    {
        ushort? port = parse.GetValue(option);
        if (port is not null && (protocol is not { } p || !FlowTuple.HasPorts(p)))
            throw new UsageException($"{option.Name} needs -p tcp, udp, udplite, sctp or dccp: only those protocols have ports");
        return port;
    }

    /// <summary>conntrack refuses addresses of two families, or an address that contradicts -f.</summary>
    private static void CheckFamilies(EntryFilter filter)
    {
        var families = new[] { filter.OriginalSource, filter.OriginalDestination, filter.ReplySource, filter.ReplyDestination }
            .Select(a => a?.Family).Append(filter.Family).Where(f => f is not null).Distinct().ToList();
        if (families.Count > 1)
            throw new UsageException("the addresses and -f name both IPv4 and IPv6: an entry has one family");
    }

    private static Option<AddressPrefix?> Address(string name, string alias, string? longAlias, string description)
    {
        string[] aliases = longAlias is null ? [alias] : [alias, longAlias];
        return new Option<AddressPrefix?>(name, aliases) { Description = description, HelpName = "ADDRESS[/LEN]" }.ParsedBy(FilterParsers.Address);
    }

    private static Option<ushort?> Port(string name, string? alias, string description) =>
        new Option<ushort?>(name, alias is null ? [] : [alias]) { Description = description, HelpName = "PORT" }.ParsedBy(FilterParsers.Port);

    private static Option<ushort?> ZoneOption(string name, string? alias, string description) =>
        new Option<ushort?>(name, alias is null ? [] : [alias]) { Description = description, HelpName = "ZONE" }.ParsedBy(FilterParsers.Zone);
}
