namespace Conntrack.Protocols;

/// <summary>
/// The kernel's <c>sctp_conntracks[dir][chunk class][state]</c> (nf_conntrack_proto_sctp.c), as data.
/// Columns: NONE CLOSED COOKIE_WAIT COOKIE_ECHOED ESTABLISHED SHUTDOWN_SENT SHUTDOWN_RECD SHUTDOWN_ACK_SENT HEARTBEAT_SENT.
/// </summary>
internal static class SctpTransitionTable
{
    private const int Classes = 11;
    private const int States = 9;

    private const byte sNO = (byte)SctpConnState.None;
    private const byte sCL = (byte)SctpConnState.Closed;
    private const byte sCW = (byte)SctpConnState.CookieWait;
    private const byte sCE = (byte)SctpConnState.CookieEchoed;
    private const byte sES = (byte)SctpConnState.Established;
    private const byte sSS = (byte)SctpConnState.ShutdownSent;
    private const byte sSR = (byte)SctpConnState.ShutdownRecd;
    private const byte sSA = (byte)SctpConnState.ShutdownAckSent;
    private const byte sHS = (byte)SctpConnState.HeartbeatSent;
    private const byte sIV = (byte)SctpConnState.Invalid;

    private static ReadOnlySpan<byte> Table =>
    [
        // ORIGINAL     sNO  sCL  sCW  sCE  sES  sSS  sSR  sSA  sHS
        /*init*/        sCL, sCL, sCW, sCE, sES, sCL, sCL, sSA, sCW,
        /*init_ack*/    sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL,
        /*abort*/       sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
        /*shutdown*/    sCL, sCL, sCW, sCE, sSS, sSS, sSR, sSA, sCL,
        /*shutdown_ack*/sSA, sCL, sCW, sCE, sES, sSA, sSA, sSA, sSA,
        /*error*/       sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sCL,
        /*cookie_echo*/ sCL, sCL, sCE, sCE, sES, sSS, sSR, sSA, sCL,
        /*cookie_ack*/  sCL, sCL, sCW, sES, sES, sSS, sSR, sSA, sCL,
        /*shut_comp*/   sCL, sCL, sCW, sCE, sES, sSS, sSR, sCL, sCL,
        /*heartbeat*/   sHS, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS, // a heartbeat may open a secondary path's entry
        /*hb_ack*/      sCL, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS,
        // REPLY        sNO  sCL  sCW  sCE  sES  sSS  sSR  sSA  sHS
        /*init*/        sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sIV,
        /*init_ack*/    sIV, sCW, sCW, sCE, sES, sSS, sSR, sSA, sIV,
        /*abort*/       sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sIV,
        /*shutdown*/    sIV, sCL, sCW, sCE, sSR, sSS, sSR, sSA, sIV,
        /*shutdown_ack*/sIV, sCL, sCW, sCE, sES, sSA, sSA, sSA, sIV,
        /*error*/       sIV, sCL, sCW, sCL, sES, sSS, sSR, sSA, sIV,
        /*cookie_echo*/ sIV, sCL, sCE, sCE, sES, sSS, sSR, sSA, sIV,
        /*cookie_ack*/  sIV, sCL, sCW, sES, sES, sSS, sSR, sSA, sIV, // COOKIE_ACK from the peer establishes
        /*shut_comp*/   sIV, sCL, sCW, sCE, sES, sSS, sSR, sCL, sIV,
        /*heartbeat*/   sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sHS,
        /*hb_ack*/      sIV, sCL, sCW, sCE, sES, sSS, sSR, sSA, sES,
    ];

    /// <summary><c>sctp_new_state</c>: chunks without a row (DATA, SACK, …) leave the state as it is.</summary>
    public static SctpConnState Next(int direction, byte chunkType, SctpConnState current)
    {
        int row = chunkType switch
        {
            SctpChunk.Init => 0,
            SctpChunk.InitAck => 1,
            SctpChunk.Abort => 2,
            SctpChunk.Shutdown => 3,
            SctpChunk.ShutdownAck => 4,
            SctpChunk.Error => 5,
            SctpChunk.CookieEcho => 6,
            SctpChunk.CookieAck => 7,
            SctpChunk.ShutdownComplete => 8,
            SctpChunk.Heartbeat => 9,
            SctpChunk.HeartbeatAck => 10,
            _ => -1,
        };
        return row < 0 ? current : (SctpConnState)Table[(((direction * Classes) + row) * States) + (int)current];
    }
}
