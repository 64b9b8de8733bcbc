using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Conntrack.Flows;

namespace Conntrack.Table;

/// <summary>
/// A table's random hash key and the two hashes made with it: a flow's partition and a tuple's
/// place within it. The key makes placement — and therefore early-drop luck — unpredictable from
/// outside, as the kernel's siphash key does. Immutable, so every partition holds a copy.
/// </summary>
internal readonly struct FlowHashKey
{
    private readonly ulong _seed0;
    private readonly ulong _seed1;
    private readonly ulong _seed2;
    private readonly ulong _seed3;

    private FlowHashKey(ulong seed0, ulong seed1, ulong seed2, ulong seed3)
    {
        _seed0 = seed0;
        _seed1 = seed1;
        _seed2 = seed2;
        _seed3 = seed3;
    }

    /// <summary>A key derived from <paramref name="seed"/> (tests only), or a random one.</summary>
    public static FlowHashKey Create(ulong? seed)
    {
        if (seed is ulong s)
        {
            return new FlowHashKey(
                s ^ 0x243F6A8885A308D3UL,
                BitOperations.RotateLeft(s, 32) ^ 0x13198A2E03707344UL,
                BitOperations.RotateLeft(s, 17) ^ 0xA4093822299F31D0UL,
                BitOperations.RotateLeft(s, 47) ^ 0x082EFA98EC4E6C89UL);
        }
        Span<byte> key = stackalloc byte[32];
        RandomNumberGenerator.Fill(key);
        return new FlowHashKey(BitConverter.ToUInt64(key), BitConverter.ToUInt64(key[8..]), BitConverter.ToUInt64(key[16..]), BitConverter.ToUInt64(key[24..]));
    }

    /// <summary>The seed of the partitions' random sources (chain limits at confirmation).</summary>
    public int RandomSeed => (int)(_seed0 ^ _seed1);

    /// <summary>
    /// The bucket-independent part of a tuple's position: keyed multiply-fold (as in wyhash); each
    /// 64x64→128-bit product of key-mixed words folds to 64 bits, and the first two products are
    /// independent, so the latency is two multiplies. Not a cryptographic PRF: this is the one
    /// place to change if that must be proven.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Hash(in FlowTuple t)
    {
        ulong a = Fold(t.SrcLo ^ _seed0, t.DstLo ^ _seed1);
        ulong b = Fold(t.SrcHi ^ _seed1 ^ 0xA0761D6478BD642FUL, t.DstHi ^ _seed0 ^ 0xE7037ED1A0B428DBUL);
        return Fold(a ^ t.MetaWord, b ^ 0x8EBC6AF09C88C6E3UL);
    }

    /// <summary>
    /// The partition of a flow: a keyed hash of what a tuple and its inversion share (the address
    /// pair, the protocol, the port pair, an ICMP id), so both directions land in the same one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PartitionOf(in FlowTuple t)
    {
        byte protocol = t.Protocol;
        ulong ids = protocol is IpProtocol.Icmp or IpProtocol.IcmpV6 ? t.SrcId
            : FlowTuple.HasPorts(protocol) || protocol == IpProtocol.Gre ? (ulong)(t.SrcId ^ t.DstId)
            : (uint)t.MetaWord;
        ulong h = Fold((t.SrcLo ^ t.DstLo) ^ _seed2, (t.SrcHi ^ t.DstHi) ^ (t.MetaWord >> 32 << 32) ^ ids ^ _seed3);
        return PartitionLayout.Partitions == 1 ? 0 : (int)(h >> (64 - BitOperations.Log2(PartitionLayout.Partitions)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Fold(ulong x, ulong y)
    {
        ulong high = Math.BigMul(x, y, out ulong low);
        return high ^ low;
    }
}
