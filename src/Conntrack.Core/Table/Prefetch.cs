using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Conntrack.Table;

/// <summary>
/// A hint to start loading a cache line that will be needed soon. Never changes behaviour: on
/// processors without the instruction it does nothing.
/// </summary>
internal static unsafe class Prefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read<T>(ref T location)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(Unsafe.AsPointer(ref location));
    }
}
