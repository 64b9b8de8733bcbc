namespace Conntrack.Protocols;

/// <summary>SCTP chunk type numbers (RFC 9260).</summary>
internal static class SctpChunk
{
    public const byte Data = 0;
    public const byte Init = 1;
    public const byte InitAck = 2;
    public const byte Heartbeat = 4;
    public const byte HeartbeatAck = 5;
    public const byte Abort = 6;
    public const byte Shutdown = 7;
    public const byte ShutdownAck = 8;
    public const byte Error = 9;
    public const byte CookieEcho = 10;
    public const byte CookieAck = 11;
    public const byte ShutdownComplete = 14;

    /// <summary>The T bit of ABORT and SHUTDOWN COMPLETE: the sender used the peer's tag.</summary>
    public const byte FlagT = 0x01;
}
