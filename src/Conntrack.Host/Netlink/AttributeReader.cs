using System.Runtime.InteropServices;

namespace Conntrack.Host.Netlink;

/// <summary>
/// A bounds-checked walk over netlink attributes (<c>struct nlattr</c>: u16 length including the
/// 4-byte header, u16 type, payload padded to 4 bytes). It never reads outside the span: a header
/// that does not fit, a length below 4 or past the end stops the walk and sets <see cref="Malformed"/>.
/// Types are masked with 0x3FFF (NLA_F_NESTED and NLA_F_NET_BYTEORDER are flags, not numbers).
/// </summary>
internal ref struct AttributeReader(ReadOnlySpan<byte> attributes)
{
    private const ushort TypeMask = 0x3FFF;
    private ReadOnlySpan<byte> _rest = attributes;

    /// <summary>The walk stopped at bytes that are not an attribute.</summary>
    public bool Malformed { get; private set; }

    public bool Next(out ushort type, out ReadOnlySpan<byte> payload)
    {
        type = 0;
        payload = default;
        if (_rest.IsEmpty)
            return false;
        if (_rest.Length < 4)
            return Fail();
        int length = MemoryMarshal.Read<ushort>(_rest);
        if (length < 4 || length > _rest.Length)
            return Fail();
        type = (ushort)(MemoryMarshal.Read<ushort>(_rest[2..]) & TypeMask);
        payload = _rest[4..length];
        int next = (length + 3) & ~3;
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }

    private bool Fail()
    {
        Malformed = true;
        _rest = default;
        return false;
    }
}
