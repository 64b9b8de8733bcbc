using Conntrack.Flows;
using Conntrack.Protocols;

namespace Conntrack.Table;

/// <summary>
/// One tracked connection, stored by value in the table's entry array: 120 bytes. The first 64
/// bytes (one cache line) hold what a lookup reads — the tuple, the expiry and both chain links —
/// the protocol state follows. The reply tuple is not stored: without NAT it is always the
/// inversion of the original. Times are 32-bit ticks from the table's first packet, compared
/// modulo 2^32 as the kernel compares jiffies.
/// </summary>
internal struct Entry
{
    /// <summary>Milliseconds per expiry tick (finer than the kernel's 4 ms jiffy at HZ=250).</summary>
    public const long TickNanos = 1_000_000;

    /// <summary>Nanoseconds per creation-time unit: 10 ms, so a uint spans 497 days.</summary>
    public const long CreatedUnitNanos = 10_000_000;

    public FlowTuple Original;

    /// <summary>Expiry tick; expired when the current tick has reached it (kernel nf_ct_is_expired).</summary>
    public uint ExpiresTick;

    /// <summary>Next node in the original tuple's chain (a node is 2·slot + direction); for a free slot, the next free slot.</summary>
    public int NextOriginal;

    /// <summary>Next node in the reply tuple's chain.</summary>
    public int NextReply;

    public EntryStatus Status;

    /// <summary>Time of the first packet, in <see cref="CreatedUnitNanos"/> since the table's epoch.</summary>
    public uint CreatedUnits;

    public uint Id;
    public ProtocolState Proto;

    /// <summary>The expiry tick of time <paramref name="now"/>, counted from <paramref name="epoch"/> (the table's first packet).</summary>
    public static uint TickAt(long epoch, long now) => (uint)((now - epoch) / TickNanos);

    /// <summary>The creation unit of time <paramref name="now"/>, counted from <paramref name="epoch"/>.</summary>
    public static uint CreatedUnitsAt(long epoch, long now) => (uint)((now - epoch) / CreatedUnitNanos);

    public readonly bool IsExpired(uint nowTick) => (int)(ExpiresTick - nowTick) <= 0;

    /// <summary>Remaining lifetime in nanoseconds (negative once expired).</summary>
    public readonly long RemainingNanos(uint nowTick) => (int)(ExpiresTick - nowTick) * TickNanos;

    public void Refresh(uint nowTick, long timeoutNanos) => ExpiresTick = nowTick + (uint)(timeoutNanos / TickNanos);
}
