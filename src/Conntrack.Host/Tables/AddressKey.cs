using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Conntrack.Formats;

namespace Conntrack.Host.Tables;

/// <summary>An IPv4 or IPv6 address as two words, for counting without allocating strings.</summary>
public readonly record struct AddressKey(ulong Hi, ulong Lo, bool IsV6)
{
    /// <summary>Parses dotted IPv4 or IPv6 (full or compressed) text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<char> text, out AddressKey key)
    {
        if (TryParseV4(text, out uint v4))
        {
            key = new AddressKey(0, v4, false);
            return true;
        }
        key = default;
        if (text.IndexOf(':') < 0 || !IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return false;
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out _))
            return false;
        key = new AddressKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), true);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseV4(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        int octets = 0, current = -1;
        foreach (char c in text)
        {
            if (c is >= '0' and <= '9')
            {
                current = current < 0 ? c - '0' : (current * 10) + (c - '0');
                if (current > 255)
                    return false;
            }
            else if (c == '.' && current >= 0 && octets < 3)
            {
                value = (value << 8) | (uint)current;
                octets++;
                current = -1;
            }
            else
            {
                return false;
            }
        }
        if (current < 0 || octets != 3)
            return false;
        value = (value << 8) | (uint)current;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(AddressKey other) => Lo == other.Lo && Hi == other.Hi && IsV6 == other.IsV6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode() => (int)(((Lo * 0x9E3779B97F4A7C15UL) ^ (Hi * 0xC2B2AE3D27D4EB4FUL)) >> 32) ^ (IsV6 ? 1 : 0);

    /// <summary>Dotted quad, or IPv6 compressed as inet_ntop writes it.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(40);
        if (IsV6)
            TupleText.AppendIpv6Compressed(sb, Hi, Lo);
        else
            TupleText.AppendIpv4(sb, (uint)Lo);
        return sb.ToString();
    }
}
