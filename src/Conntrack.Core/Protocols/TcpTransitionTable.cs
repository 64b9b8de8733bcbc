namespace Conntrack.Protocols;

/// <summary>
/// The kernel's <c>tcp_conntracks[dir][flag class][state]</c> (nf_conntrack_proto_tcp.c), as data.
/// Columns: NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE SYN_SENT2.
/// </summary>
internal static class TcpTransitionTable
{
    public const int Syn = 0;
    public const int SynAck = 1;
    public const int Fin = 2;
    public const int Ack = 3;
    public const int Rst = 4;
    public const int NoFlags = 5;
    public const int Classes = 6;
    private const int States = 10;

    private const byte sNO = (byte)TcpConnState.None;
    private const byte sSS = (byte)TcpConnState.SynSent;
    private const byte sSR = (byte)TcpConnState.SynRecv;
    private const byte sES = (byte)TcpConnState.Established;
    private const byte sFW = (byte)TcpConnState.FinWait;
    private const byte sCW = (byte)TcpConnState.CloseWait;
    private const byte sLA = (byte)TcpConnState.LastAck;
    private const byte sTW = (byte)TcpConnState.TimeWait;
    private const byte sCL = (byte)TcpConnState.Close;
    private const byte sS2 = (byte)TcpConnState.SynSent2;
    private const byte sIV = (byte)TcpConnState.Invalid;
    private const byte sIG = (byte)TcpConnState.Ignore;

    private static ReadOnlySpan<byte> Table =>
    [
        // ORIGINAL direction
        //        sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
        /*syn*/   sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2, // SYN opens; in TIME_WAIT/CLOSE it may reopen; mid-connection it is ignored
        /*synack*/sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR, // only valid from the initiator in a simultaneous open
        /*fin*/   sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV, // first FIN → FIN_WAIT, second → LAST_ACK
        /*ack*/   sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV, // from NONE: mid-stream pickup (tcp_loose)
        /*rst*/   sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
        /*none*/  sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
        // REPLY direction
        //        sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
        /*syn*/   sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2, // reply SYN in SYN_SENT = simultaneous open
        /*synack*/sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR, // late SYN/ACKs are ignored (may resynchronise)
        /*fin*/   sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
        /*ack*/   sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG, // ACK before SYN/ACK is ignored
        /*rst*/   sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
        /*none*/  sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
    ];

    public static TcpConnState Next(int direction, int flagClass, TcpConnState old) =>
        (TcpConnState)Table[(((direction * Classes) + flagClass) * States) + (int)old];
}
