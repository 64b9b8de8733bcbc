using System.Globalization;
using System.Text;

namespace Conntrack.TestData;

/// <summary>A generated snapshot of a host whose conntrack table is full, at any size.</summary>
public static class LargeSnapshot
{
    /// <summary>
    /// Writes under <paramref name="root"/> a /proc/net/nf_conntrack of <paramref name="entries"/> lines
    /// (ESTABLISHED, TIME_WAIT, SYN_SENT, UDP and ICMP from 65,536 clients to 512 servers), sysctls with
    /// nf_conntrack_count = nf_conntrack_max and counters that show drops.
    /// </summary>
    public static void Write(string root, int entries)
    {
        var rng = new Random(42);
        string n = entries.ToString(CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.Combine(root, "proc/net/stat"));
        Directory.CreateDirectory(Path.Combine(root, "proc/sys/net/netfilter"));
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_max"), n + "\n");
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_count"), n + "\n");
        File.WriteAllText(Path.Combine(root, "proc/sys/net/netfilter/nf_conntrack_buckets"), "65536\n");
        File.WriteAllText(Path.Combine(root, "proc/net/stat/nf_conntrack"),
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            string.Create(CultureInfo.InvariantCulture, $"{entries:x8}  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00001000 00000000 00000000  00000000 00000000 00000000 00000000\n"));
        using var writer = new StreamWriter(Path.Combine(root, "proc/net/nf_conntrack"), false, new UTF8Encoding(false), 1 << 16);
        for (int i = 0; i < entries; i++)
            writer.Write(Line(rng, i));
    }

    private static string Line(Random rng, int i)
    {
        string src = string.Create(CultureInfo.InvariantCulture, $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");
        string dst = string.Create(CultureInfo.InvariantCulture, $"192.0.{rng.Next(2)}.{rng.Next(1, 255)}");
        int sport = 1024 + rng.Next(60000);
        int kind = rng.Next(100);
        return kind switch
        {
            < 55 => string.Create(CultureInfo.InvariantCulture, $"ipv4     2 tcp      6 {rng.Next(1, 432000)} ESTABLISHED src={src} dst={dst} sport={sport} dport=443 src={dst} dst={src} sport=443 dport={sport} [ASSURED] mark=0 zone=0 use=2\n"),
            < 80 => string.Create(CultureInfo.InvariantCulture, $"ipv4     2 tcp      6 {rng.Next(1, 120)} TIME_WAIT src={src} dst={dst} sport={sport} dport=80 src={dst} dst={src} sport=80 dport={sport} [ASSURED] mark=0 zone=0 use=2\n"),
            < 85 => string.Create(CultureInfo.InvariantCulture, $"ipv4     2 tcp      6 {rng.Next(1, 120)} SYN_SENT src={src} dst={dst} sport={sport} dport=8080 [UNREPLIED] src={dst} dst={src} sport=8080 dport={sport} mark=0 zone=0 use=2\n"),
            < 98 => string.Create(CultureInfo.InvariantCulture, $"ipv4     2 udp      17 {rng.Next(1, 30)} src={src} dst={dst} sport={sport} dport=53 src={dst} dst={src} sport=53 dport={sport} mark=0 zone=0 use=2\n"),
            _ => string.Create(CultureInfo.InvariantCulture, $"ipv4     2 icmp     1 {rng.Next(1, 30)} src={src} dst={dst} type=8 code=0 id={sport} src={dst} dst={src} type=0 code=0 id={sport} mark=0 zone=0 use=2\n"),
        };
    }
}
