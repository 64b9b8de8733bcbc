using Conntrack.Host.Netlink;

namespace Conntrack.Fuzz;

/// <summary>
/// Target (e): ctnetlink replies as the kernel sends them (corpus: dumps, statistics, an error and events
/// captured from 6.18). Every message is decoded as an entry whatever its type; the walk and the decoder
/// never throw on content, they refuse it.
/// </summary>
internal static class NetlinkTarget
{
    public static void Run(byte[] input)
    {
        var decoder = new EntryDecoder();
        var entry = new KernelEntry();
        var reader = new NetlinkMessageReader(input);
        while (reader.Next(out var message))
        {
            _ = message.ErrorNumber;
            if (decoder.TryDecode(message.Payload, ref entry, out _))
                _ = (entry.State, entry.ZoneId, NetlinkTable.ToTableEntry(entry));
        }
    }
}
