namespace Conntrack.Fuzz;

/// <summary>The fuzz targets by name; the name is also the folder of the target's corpus under fuzz/corpus.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> ByName { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["capture"] = CaptureTarget.Run,
        ["packets"] = PacketPathTarget.Run,
        ["host"] = HostParsersTarget.Run,
        ["settings"] = SettingsTarget.Run,
        ["netlink"] = NetlinkTarget.Run,
    };
}
