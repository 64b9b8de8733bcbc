using System.Buffers.Binary;
using System.Numerics;
using Conntrack.Table;
using Conntrack.Timeouts;

namespace Conntrack.Protocols;

/// <summary>
/// SCTP after nf_conntrack_proto_sctp.c (6.18): chunk sanity (<c>do_basic_checks</c>), the
/// out-of-the-blue rules for a new entry, verification-tag checks (RFC 9260 §8.5), the state table
/// per chunk, ASSURED on entering ESTABLISHED, and the timeout of the last state.
/// </summary>
internal static class SctpTracker
{
    private const int CommonHeader = 12;

    /// <summary><c>sctp_error</c>: a common header, and a correct CRC32c when checksumming is on.</summary>
    public static bool IsValidPacket(ReadOnlySpan<byte> sctp, bool verifyChecksum, bool truncated)
    {
        if (sctp.Length < CommonHeader)
            return false;
        return !verifyChecksum || truncated || Crc32C(sctp) == BinaryPrimitives.ReadUInt32LittleEndian(sctp[8..]);
    }

    /// <summary>RFC 9260 Appendix A: CRC32c over the packet with the checksum field taken as zero.</summary>
    private static uint Crc32C(ReadOnlySpan<byte> sctp)
    {
        uint crc = 0xFFFFFFFF;
        for (int i = 0; i < sctp.Length; i++)
            crc = BitOperations.Crc32C(crc, i is >= 8 and < 12 ? (byte)0 : sctp[i]);
        return ~crc;
    }

    /// <summary><c>sctp_packet</c>: basic checks, the out-of-the-blue rules, the tag check, then each chunk in turn.</summary>
    public static TrackVerdict Packet(ref Entry entry, ReadOnlySpan<byte> sctp, int dir, bool isNew, TrackerConfig config, out long timeout)
    {
        timeout = 0;
        uint vtag = BinaryPrimitives.ReadUInt32BigEndian(sctp[4..]);
        Span<ulong> map = stackalloc ulong[4];
        if (!BasicChecks(sctp, map))
            return TrackVerdict.Invalid;
        ref var s = ref entry.Proto.Sctp;
        if (isNew)
        {
            // Out-of-the-blue packets carrying these must not create state (§8.4).
            if (Has(map, SctpChunk.Abort) || Has(map, SctpChunk.ShutdownComplete) || Has(map, SctpChunk.CookieAck))
                return TrackVerdict.Invalid;
            if (!New(ref s, sctp, vtag))
                return TrackVerdict.Invalid;
        }

        if (!IsVtagExempt(map) && vtag != Vtag(ref s, dir))
            return TrackVerdict.Invalid;

        var newState = SctpConnState.None;
        bool ignore = false;
        for (int offset = CommonHeader; offset + 4 <= sctp.Length; offset += (BinaryPrimitives.ReadUInt16BigEndian(sctp[(offset + 2)..]) + 3) & ~3)
        {
            byte type = sctp[offset];
            if (!CheckChunkVtag(ref s, map, type, sctp[offset + 1], vtag, dir, ref ignore, out bool skipChunk))
                return TrackVerdict.Invalid;
            if (skipChunk)
                continue;

            var oldState = s.State;
            newState = SctpTransitionTable.Next(dir, type, oldState);
            if (newState == SctpConnState.Invalid)
                return TrackVerdict.Invalid;
            if (!RecordInitTag(ref s, sctp, offset, type, dir, oldState, newState, isNew, ref ignore))
                return TrackVerdict.Invalid;

            s.State = newState;
            if (oldState != newState && newState == SctpConnState.Established)
                entry.Status |= EntryStatus.Assured;
        }

        if (ignore)
            return TrackVerdict.AcceptUntouched;
        timeout = config.Timeout(TimeoutRules.ForSctp(newState));
        return TrackVerdict.Accept;
    }

    /// <summary>The chunks whose packets carry a tag other than the receiver's own (§8.5.1), checked per chunk instead.</summary>
    private static bool IsVtagExempt(ReadOnlySpan<ulong> map) =>
        Has(map, SctpChunk.Init) || Has(map, SctpChunk.ShutdownComplete) || Has(map, SctpChunk.CookieEcho) ||
        Has(map, SctpChunk.Abort) || Has(map, SctpChunk.ShutdownAck) || Has(map, SctpChunk.Heartbeat) ||
        Has(map, SctpChunk.HeartbeatAck);

    /// <summary>
    /// The special cases of the verification-tag check (§8.5.1) for one chunk, and the heartbeat
    /// rules that follow a peer's restart. Returns false for an invalid packet; sets
    /// <paramref name="skipChunk"/> for a heartbeat with an unknown tag, which is ignored until its ACK.
    /// </summary>
    private static bool CheckChunkVtag(ref SctpConnection s, ReadOnlySpan<ulong> map, byte type, byte flags, uint vtag, int dir,
        ref bool ignore, out bool skipChunk)
    {
        skipChunk = false;
        switch (type)
        {
            case SctpChunk.Init when vtag != 0:
                return false; // §8.5.1 (A)
            case SctpChunk.Abort:
            case SctpChunk.ShutdownComplete:
                // §8.5.1 (B, C): own tag, or the peer's tag when the T bit is set.
                return vtag == Vtag(ref s, (flags & SctpChunk.FlagT) == 0 ? dir : 1 - dir);
            case SctpChunk.CookieEcho when vtag != Vtag(ref s, dir):
                return false; // §8.5.1 (D)
            case SctpChunk.CookieAck:
                s.InitOriginal = s.InitReply = false;
                break;
            case SctpChunk.Heartbeat:
                if (Vtag(ref s, dir) == 0)
                {
                    Vtag(ref s, dir) = vtag;
                }
                else if (vtag != Vtag(ref s, dir))
                {
                    if (Has(map, SctpChunk.Data) || ignore)
                        return false;
                    // A heartbeat on a path with another tag: maybe the peer restarted. Wait for its ACK.
                    s.HeartbeatVtagFailed = true;
                    s.LastDirection = (byte)dir;
                    ignore = true;
                    skipChunk = true;
                }
                else
                {
                    s.HeartbeatVtagFailed = false;
                }
                break;
            case SctpChunk.HeartbeatAck:
                if (Vtag(ref s, dir) == 0)
                {
                    Vtag(ref s, dir) = vtag;
                }
                else if (vtag != Vtag(ref s, dir))
                {
                    if (Has(map, SctpChunk.Data) || ignore || !s.HeartbeatVtagFailed || s.LastDirection == dir)
                        return false;
                    s.HeartbeatVtagFailed = false;
                    Vtag(ref s, dir) = vtag;
                    Vtag(ref s, 1 - dir) = 0;
                }
                else
                {
                    s.HeartbeatVtagFailed = false;
                }
                break;
        }
        return true;
    }

    /// <summary>
    /// After the state update for an INIT or INIT ACK chunk: learn the peer's tag from its
    /// Initiate Tag, track who sent an INIT, and refuse an INIT ACK that contradicts what we know.
    /// Returns false for an invalid packet.
    /// </summary>
    private static bool RecordInitTag(ref SctpConnection s, ReadOnlySpan<byte> sctp, int offset, byte type, int dir,
        SctpConnState oldState, SctpConnState newState, bool isNew, ref bool ignore)
    {
        if (type == SctpChunk.Init)
        {
            if (offset + 8 > sctp.Length)
                return false;
            uint initTag = BinaryPrimitives.ReadUInt32BigEndian(sctp[(offset + 4)..]);
            // A stale or retransmitted INIT carrying the tag we already know is not a new attempt.
            if (oldState == SctpConnState.None || Vtag(ref s, 1 - dir) != initTag)
            {
                if (Init(ref s, dir) && Init(ref s, 1 - dir))
                    Init(ref s, 1 - dir) = false;
                Init(ref s, dir) = true;
            }
            Vtag(ref s, 1 - dir) = initTag;
            // An INIT retransmitted in CLOSED must not keep a reused port alive.
            if (newState == SctpConnState.Closed && oldState == SctpConnState.Closed && !isNew)
                ignore = true;
        }
        else if (type == SctpChunk.InitAck)
        {
            if (offset + 8 > sctp.Length)
                return false;
            uint initTag = BinaryPrimitives.ReadUInt32BigEndian(sctp[(offset + 4)..]);
            uint known = Vtag(ref s, 1 - dir);
            if (!Init(ref s, 1 - dir) && known != 0 && known != initTag)
                return false;
            if (Init(ref s, dir) && Init(ref s, 1 - dir) && known != initTag)
                return false; // INIT collision
            Vtag(ref s, 1 - dir) = initTag;
        }
        return true;
    }

    /// <summary><c>sctp_new</c>: every chunk must be able to open an association from NONE.</summary>
    private static bool New(ref SctpConnection s, ReadOnlySpan<byte> sctp, uint vtag)
    {
        s = default;
        for (int offset = CommonHeader; offset + 4 <= sctp.Length; offset += (BinaryPrimitives.ReadUInt16BigEndian(sctp[(offset + 2)..]) + 3) & ~3)
        {
            byte type = sctp[offset];
            var next = SctpTransitionTable.Next(0, type, SctpConnState.None);
            if (next is SctpConnState.None or SctpConnState.Invalid)
                return false;
            if (type == SctpChunk.Init)
            {
                if (vtag != 0 || offset + 8 > sctp.Length)
                    return false;
                s.VtagReply = BinaryPrimitives.ReadUInt32BigEndian(sctp[(offset + 4)..]);
            }
            else if (type == SctpChunk.Heartbeat)
            {
                s.VtagOriginal = vtag;
            }
            else if (type == SctpChunk.ShutdownAck)
            {
                // An out-of-the-blue SHUTDOWN ACK expects SHUTDOWN COMPLETE (or ABORT) back with this tag.
                s.VtagReply = vtag;
            }
            s.State = SctpConnState.None;
        }
        return true;
    }

    /// <summary>
    /// <c>do_basic_checks</c>: at least one chunk, none of zero length; COOKIE ECHO/ACK only first;
    /// INIT, INIT ACK and SHUTDOWN COMPLETE only alone. Collects the chunk types present.
    /// </summary>
    private static bool BasicChecks(ReadOnlySpan<byte> sctp, Span<ulong> map)
    {
        int count = 0;
        bool alone = false;
        for (int offset = CommonHeader; offset + 4 <= sctp.Length; count++)
        {
            byte type = sctp[offset];
            int length = BinaryPrimitives.ReadUInt16BigEndian(sctp[(offset + 2)..]);
            if (type is SctpChunk.Init or SctpChunk.InitAck or SctpChunk.ShutdownComplete)
                alone = true;
            if (((type is SctpChunk.CookieAck or SctpChunk.CookieEcho || alone) && count != 0) || length == 0)
                return false;
            map[type >> 6] |= 1UL << (type & 63);
            offset += (length + 3) & ~3;
        }
        return count != 0;
    }

    private static bool Has(ReadOnlySpan<ulong> map, byte type) => (map[type >> 6] & (1UL << (type & 63))) != 0;

    private static ref uint Vtag(ref SctpConnection s, int dir) => ref dir == 0 ? ref s.VtagOriginal : ref s.VtagReply;

    private static ref bool Init(ref SctpConnection s, int dir) => ref dir == 0 ? ref s.InitOriginal : ref s.InitReply;

    /// <summary><c>sctp_can_early_drop</c>: shutdown states.</summary>
    public static bool CanEarlyDrop(SctpConnState state) =>
        state is SctpConnState.ShutdownSent or SctpConnState.ShutdownRecd or SctpConnState.ShutdownAckSent;
}
