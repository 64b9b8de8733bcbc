using System.Runtime.CompilerServices;

namespace Conntrack.Protocols;

/// <summary>
/// The one table of protocol state names as /proc/net/nf_conntrack and conntrack(8) print them:
/// <see cref="StateId"/> to text, text back to <see cref="StateId"/>, and both to the trackers' states.
/// </summary>
public static class StateNames
{
    /// <summary>Indexed by <see cref="StateId"/>.</summary>
    private static readonly string[] Names =
    [
        "", "OTHER",
        "NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "LISTEN",
        "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
        "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
    ];

    /// <summary>Indexed by <see cref="TcpConnState"/> (<c>tcp_conntrack_names</c>).</summary>
    private static ReadOnlySpan<byte> TcpIds =>
    [
        (byte)StateId.None, (byte)StateId.SynSent, (byte)StateId.SynRecv, (byte)StateId.Established, (byte)StateId.FinWait,
        (byte)StateId.CloseWait, (byte)StateId.LastAck, (byte)StateId.TimeWait, (byte)StateId.Close, (byte)StateId.SynSent2,
    ];

    /// <summary>Indexed by <see cref="SctpConnState"/> (<c>sctp_conntrack_names</c>).</summary>
    private static ReadOnlySpan<byte> SctpIds =>
    [
        (byte)StateId.None, (byte)StateId.Closed, (byte)StateId.CookieWait, (byte)StateId.CookieEchoed, (byte)StateId.Established,
        (byte)StateId.ShutdownSent, (byte)StateId.ShutdownRecd, (byte)StateId.ShutdownAckSent, (byte)StateId.HeartbeatSent,
    ];

    /// <summary>Indexed by the kernel's DCCP state number (<c>dccp_state_names</c>, kernels up to 6.15).</summary>
    private static ReadOnlySpan<byte> DccpIds =>
    [
        (byte)StateId.None, (byte)StateId.DccpRequest, (byte)StateId.DccpRespond, (byte)StateId.DccpPartOpen, (byte)StateId.DccpOpen,
        (byte)StateId.DccpCloseReq, (byte)StateId.DccpClosing, (byte)StateId.DccpTimeWait, (byte)StateId.DccpIgnore, (byte)StateId.Invalid,
    ];

    public static string Name(StateId id) => (int)id < Names.Length ? Names[(int)id] : Names[(int)StateId.Other];

    /// <summary>The name of a state token from a table line; unknown names give <see cref="StateId.Other"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StateId Parse(ReadOnlySpan<char> name) => name switch
    {
        "NONE" => StateId.None,
        "SYN_SENT" => StateId.SynSent,
        "SYN_RECV" => StateId.SynRecv,
        "ESTABLISHED" => StateId.Established,
        "FIN_WAIT" => StateId.FinWait,
        "CLOSE_WAIT" => StateId.CloseWait,
        "LAST_ACK" => StateId.LastAck,
        "TIME_WAIT" => StateId.TimeWait,
        "CLOSE" => StateId.Close,
        "SYN_SENT2" => StateId.SynSent2,
        "LISTEN" => StateId.Listen,
        "CLOSED" => StateId.Closed,
        "COOKIE_WAIT" => StateId.CookieWait,
        "COOKIE_ECHOED" => StateId.CookieEchoed,
        "SHUTDOWN_SENT" => StateId.ShutdownSent,
        "SHUTDOWN_RECD" => StateId.ShutdownRecd,
        "SHUTDOWN_ACK_SENT" => StateId.ShutdownAckSent,
        "HEARTBEAT_SENT" => StateId.HeartbeatSent,
        "HEARTBEAT_ACKED" => StateId.HeartbeatAcked,
        "REQUEST" => StateId.DccpRequest,
        "RESPOND" => StateId.DccpRespond,
        "PARTOPEN" => StateId.DccpPartOpen,
        "OPEN" => StateId.DccpOpen,
        "CLOSEREQ" => StateId.DccpCloseReq,
        "CLOSING" => StateId.DccpClosing,
        "TIMEWAIT" => StateId.DccpTimeWait,
        "IGNORE" => StateId.DccpIgnore,
        "INVALID" => StateId.Invalid,
        _ => StateId.Other,
    };

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

    public static StateId Of(TcpConnState state) => (int)state < TcpIds.Length ? (StateId)TcpIds[(int)state] : StateId.Invalid;

    public static StateId Of(SctpConnState state) => (int)state < SctpIds.Length ? (StateId)SctpIds[(int)state] : StateId.Invalid;

    /// <summary>A DCCP state by the kernel's number (as ctnetlink sends it); out of range is INVALID.</summary>
    public static StateId OfDccp(byte state) => state < DccpIds.Length ? (StateId)DccpIds[state] : StateId.Invalid;

    /// <summary>TCP (<c>tcp_conntrack_names</c>).</summary>
    public static string Tcp(TcpConnState state) => Name(Of(state));

    /// <summary>SCTP (<c>sctp_conntrack_names</c>).</summary>
    public static string Sctp(SctpConnState state) => Name(Of(state));

    /// <summary>The TCP state a name stands for; the 2.4-era LISTEN is SYN_SENT2's slot.</summary>
    public static bool TryGetTcp(StateId id, out TcpConnState state)
    {
        int i = id == StateId.Listen ? (int)TcpConnState.SynSent2 : TcpIds.IndexOf((byte)id);
        state = (TcpConnState)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>The SCTP state a name stands for.</summary>
    public static bool TryGetSctp(StateId id, out SctpConnState state)
    {
        int i = SctpIds.IndexOf((byte)id);
        state = (SctpConnState)Math.Max(i, 0);
        return i >= 0;
    }
}
