using Conntrack.Host.Netlink;

namespace Conntrack.TestData.Netlink;

/// <summary>The captured ctnetlink replies in Netlink/ (see README.md there).</summary>
public static class NetlinkFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Netlink");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static string[] Lines(string name) => File.ReadAllLines(Path.Combine(Directory, name));

    /// <summary>Every conntrack entry of the captured dump (dump.bin), each decoded into its own <see cref="KernelEntry"/>.</summary>
    public static List<KernelEntry> DumpEntries()
    {
        var decoder = new EntryDecoder();
        var entries = new List<KernelEntry>();
        var reader = new NetlinkMessageReader(Bytes("dump.bin"));
        while (reader.Next(out var m))
        {
            var e = new KernelEntry();
            if (m.Type == 0x0100 && decoder.TryDecode(m.Payload, ref e, out _))
                entries.Add(e);
        }
        return entries;
    }
}
