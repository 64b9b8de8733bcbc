using System.Text;

namespace Conntrack.Host.Netlink;

/// <summary>
/// Helper and security-context names by their bytes, so decoding an entry allocates no string once a
/// name has been seen. Bounded: past <see cref="Capacity"/> distinct names a new string is made each time.
/// </summary>
internal sealed class NameCache
{
    public const int Capacity = 64;
    private readonly byte[][] _keys = new byte[Capacity][];
    private readonly string[] _names = new string[Capacity];
    private int _count;

    /// <summary>The name in a NUL-terminated attribute payload (the NUL and anything after it ignored).</summary>
    public string Get(ReadOnlySpan<byte> payload)
    {
        int nul = payload.IndexOf((byte)0);
        var bytes = nul >= 0 ? payload[..nul] : payload;
        for (int i = 0; i < _count; i++)
        {
            if (bytes.SequenceEqual(_keys[i]))
                return _names[i];
        }
        string name = Encoding.UTF8.GetString(bytes);
        if (_count < Capacity)
        {
            _keys[_count] = bytes.ToArray();
            _names[_count++] = name;
        }
        return name;
    }
}
