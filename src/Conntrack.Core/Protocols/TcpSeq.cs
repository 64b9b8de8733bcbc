namespace Conntrack.Protocols;

/// <summary>Sequence-number comparisons modulo 2^32 (the kernel's <c>before</c>/<c>after</c>).</summary>
internal static class TcpSeq
{
    public static bool Before(uint a, uint b) => (int)(a - b) < 0;

    public static bool After(uint a, uint b) => (int)(b - a) < 0;
}
