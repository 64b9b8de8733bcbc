using System.Globalization;
using System.Net;

namespace Conntrack.KernelParity.Tests.Fill;

/// <summary>
/// One line of <c>conntrack -L -o extended,ktimestamp</c> taken apart:
/// <c>ipv4 2 tcp 6 99 ESTABLISHED src=… dst=… sport=… dport=… packets=… bytes=… src=… … [ASSURED] mark=42 zone=7 delta-time=0 [start=…] use=1</c>.
/// </summary>
internal sealed record ListedEntry(
    string Line,
    string Protocol,
    string? State,
    IPAddress OriginalSource,
    IPAddress OriginalDestination,
    IPAddress ReplySource,
    IPAddress ReplyDestination,
    bool Assured,
    bool Unreplied,
    uint Mark,
    int Zone,
    long Packets,
    bool Started)
{
    public static ListedEntry Parse(string line)
    {
        string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var addresses = new List<IPAddress>(4);
        string? state = null;
        bool assured = false, unreplied = false;
        uint mark = 0;
        int zone = 0;
        long packets = 0;
        for (int i = 5; i < t.Length; i++)
        {
            string token = t[i];
            if (token.StartsWith("src=", StringComparison.Ordinal) || token.StartsWith("dst=", StringComparison.Ordinal))
                addresses.Add(IPAddress.Parse(token.AsSpan(4)));
            else if (token.StartsWith("packets=", StringComparison.Ordinal))
                packets += long.Parse(token.AsSpan(8), CultureInfo.InvariantCulture);
            else if (token.StartsWith("mark=", StringComparison.Ordinal))
                mark = uint.Parse(token.AsSpan(5), CultureInfo.InvariantCulture);
            else if (token.StartsWith("zone=", StringComparison.Ordinal))
                zone = int.Parse(token.AsSpan(5), CultureInfo.InvariantCulture);
            else if (token == "[ASSURED]")
                assured = true;
            else if (token == "[UNREPLIED]")
                unreplied = true;
            else if (addresses.Count == 0 && !token.Contains('=', StringComparison.Ordinal))
                state = token;
        }
        if (addresses.Count != 4)
            throw new FormatException($"not a conntrack -L -o extended line (expected two tuples): '{line}'");
        return new ListedEntry(line, t[2], state, addresses[0], addresses[1], addresses[2], addresses[3], assured, unreplied, mark, zone, packets,
            line.Contains("[start=", StringComparison.Ordinal));
    }
}
