namespace Conntrack.TestData.Netlink;

/// <summary>The captured ctnetlink replies in Netlink/ (see README.md there).</summary>
public static class NetlinkFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Netlink");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public static string[] Lines(string name) => File.ReadAllLines(Path.Combine(Directory, name));
}
