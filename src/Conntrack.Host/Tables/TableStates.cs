using System.Runtime.CompilerServices;
namespace Conntrack.Host.Tables;

/// <summary>
/// The protocol state names a table line can carry (TCP, SCTP, DCCP and the 2.4-era LISTEN),
/// as small numbers so counting needs no strings. Unknown names share one slot.
/// </summary>
public static class TableStates
{
    public const byte None = 0;
    public const byte Other = 1;

    private static readonly string[] Names =
    [
        "", "OTHER",
        // TCP (include/uapi/linux/netfilter/nf_conntrack_tcp.h); LISTEN is the 2.4 name of SYN_SENT2's slot.
        "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "LISTEN",
        // SCTP
        "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
        // DCCP (≤ 6.15)
        "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
    ];

    private static readonly Dictionary<string, byte> ByName = Build();

    private static Dictionary<string, byte> Build()
    {
        var map = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (int i = 2; i < Names.Length; i++)
            map[Names[i]] = (byte)i;
        return map;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static byte Parse(ReadOnlySpan<char> name) => name switch
    {
        "NONE" => 2,
        "SYN_SENT" => 3,
        "SYN_RECV" => 4,
        "ESTABLISHED" => 5,
        "FIN_WAIT" => 6,
        "CLOSE_WAIT" => 7,
        "LAST_ACK" => 8,
        "TIME_WAIT" => 9,
        "CLOSE" => 10,
        "SYN_SENT2" => 11,
        "LISTEN" => 12,
        "CLOSED" => 13,
        "COOKIE_WAIT" => 14,
        "COOKIE_ECHOED" => 15,
        "SHUTDOWN_SENT" => 16,
        "SHUTDOWN_RECD" => 17,
        "SHUTDOWN_ACK_SENT" => 18,
        "HEARTBEAT_SENT" => 19,
        "HEARTBEAT_ACKED" => 20,
        "REQUEST" => 21,
        "RESPOND" => 22,
        "PARTOPEN" => 23,
        "OPEN" => 24,
        "CLOSEREQ" => 25,
        "CLOSING" => 26,
        "TIMEWAIT" => 27,
        "IGNORE" => 28,
        "INVALID" => 29,
        _ => Other,
    };

    public static string Name(byte id) => id < Names.Length ? Names[id] : "OTHER";

    public static byte Id(string name) => ByName.GetValueOrDefault(name, Other);

    /// <summary>A state name is upper case letters, digits and underscores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool LooksLikeState(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty)
            return false;
        foreach (char c in token)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
                return false;
        }
        return true;
    }
}
