using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Conntrack.Host.Netlink;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Netlink;

/// <summary>
/// Two private namespaces joined by a veth pair: traffic goes from <see cref="Client"/> to <see cref="Server"/>,
/// whose table the tests read. The server has accounting and timestamps on, an nft rule that marks UDP to
/// port 7000 with 42, real UDP, ICMP, ICMPv6 and TCP flows, and entries made by <c>conntrack -I</c> of the
/// kinds traffic cannot easily make (SCTP, GRE, zones, a generic protocol). Nothing global is changed.
/// </summary>
public sealed class NetlinkTestbed : IDisposable
{
    public const string ServerV4 = "10.213.0.2";
    public const string ClientV4 = "10.213.0.1";
    public const string ServerV6 = "fd00:213::2";
    private readonly List<Socket> _sockets = [];

    public NetlinkTestbed()
    {
        if (KernelEnvironment.UnavailableReason is not null)
            return;
        string id = string.Create(CultureInfo.InvariantCulture, $"{System.Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..4]}");
        ClientName = $"ctp-{id}-nlc";
        ServerName = $"ctp-{id}-nls";
        Shell.Check("ip", "netns", "add", ClientName);
        Shell.Check("ip", "netns", "add", ServerName);
        string veth = string.Create(CultureInfo.InvariantCulture, $"ctnl{System.Environment.ProcessId % 100000}");
        Shell.Check("ip", "link", "add", veth + "a", "netns", ClientName, "type", "veth", "peer", "name", veth + "b", "netns", ServerName);
        Ip(ClientName, "addr", "add", ClientV4 + "/24", "dev", veth + "a");
        Ip(ServerName, "addr", "add", ServerV4 + "/24", "dev", veth + "b");
        Ip(ClientName, "addr", "add", "fd00:213::1/64", "dev", veth + "a", "nodad");
        Ip(ServerName, "addr", "add", ServerV6 + "/64", "dev", veth + "b", "nodad");
        foreach (var (ns, dev) in new[] { (ClientName, veth + "a"), (ServerName, veth + "b") })
        {
            Ip(ns, "link", "set", "lo", "up");
            Ip(ns, "link", "set", dev, "up");
        }
        InServer("sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1");
        Shell.CheckWithInput("table inet ctnl {\n chain in { type filter hook input priority 0; policy accept; ct state new counter; udp dport 7000 ct mark set 42; }\n}\n",
            "ip", "netns", "exec", ServerName, "nft", "-f", "-");
        Client = NetnsTarget.Named(ClientName);
        Server = NetnsTarget.Named(ServerName);
        Insert("-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1234", "--dport", "80", "--state", "ESTABLISHED", "-u", "SEEN_REPLY,ASSURED", "-m", "7");
        Insert("-p", "udp", "-s", "10.0.0.1", "-d", "10.0.0.3", "--sport", "53", "--dport", "5353", "-w", "5");
        Insert("-p", "udp", "-s", "10.0.0.5", "-d", "10.0.0.6", "--sport", "1", "--dport", "2", "--orig-zone", "3");
        Insert("-p", "udp", "-s", "10.0.0.5", "-d", "10.0.0.6", "--sport", "1", "--dport", "2", "--reply-zone", "4");
        Insert("-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "4000", "--dport", "443", "--state", "SYN_SENT");
        Insert("-p", "sctp", "-s", "10.0.0.7", "-d", "10.0.0.8", "--sport", "5000", "--dport", "5001", "--state", "ESTABLISHED", "--orig-vtag", "11", "--reply-vtag", "22");
        Insert("-p", "gre", "-s", "10.0.0.9", "-d", "10.0.0.10", "--srckey", "0x10", "--dstkey", "0x20");
        Insert("-p", "50", "-s", "10.0.0.11", "-d", "10.0.0.12");
        OpenTcp();
        Refresh();
    }

    public string ClientName { get; } = "";
    public string ServerName { get; } = "";
    public NetnsTarget Client { get; } = null!;
    public NetnsTarget Server { get; } = null!;

    /// <summary>Sends the UDP, ICMP and ICMPv6 flows again (their entries live 30 s) and waits until the server tracked them.</summary>
    public void Refresh()
    {
        Udp(7000, 7001);
        Udp6(7002);
        Client.Enter(() =>
        {
            using var icmp = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
            icmp.SendTo(Echo(8, 0x1234), new IPEndPoint(IPAddress.Parse(ServerV4), 0));
            using var icmp6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
            icmp6.SendTo(Echo(128, 0x4321), new IPEndPoint(IPAddress.Parse(ServerV6), 0));
            return 0;
        });
        Thread.Sleep(200);
    }

    /// <summary>One UDP datagram from a fresh client socket to each port of the server (a new flow each).</summary>
    public void Udp(params int[] ports) => Client.Enter(() =>
    {
        foreach (int port in ports)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.SendTo("hello"u8.ToArray(), new IPEndPoint(IPAddress.Parse(ServerV4), port));
        }
        return 0;
    });

    private void Udp6(int port) => Client.Enter(() =>
    {
        using var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        s.SendTo("hello6"u8.ToArray(), new IPEndPoint(IPAddress.Parse(ServerV6), port));
        return 0;
    });

    /// <summary>An ESTABLISHED TCP connection with data both ways, kept open for the whole class.</summary>
    private void OpenTcp()
    {
        var listener = Server.Enter(() =>
        {
            var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.Parse(ServerV4), 8080));
            l.Listen();
            return l;
        });
        var client = Client.Enter(() =>
        {
            var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.Connect(new IPEndPoint(IPAddress.Parse(ServerV4), 8080));
            return c;
        });
        var accepted = listener.Accept();
        client.Send("GET /"u8);
        accepted.Send("200 OK"u8);
        _sockets.AddRange([listener, client, accepted]);
    }

    private static byte[] Echo(byte type, ushort id)
    {
        var packet = new byte[12];
        packet[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), 1);
        "ping"u8.CopyTo(packet.AsSpan(8));
        if (type == 8) // ICMPv4: the sender computes the checksum; the kernel does it for ICMPv6 raw sockets.
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Conntrack.Packets.InternetChecksum.Finish(Conntrack.Packets.InternetChecksum.Add(0, packet)));
        return packet;
    }

    public void Insert(params string[] args) => InServer("conntrack", ["-I", .. args, "-t", "3000"]);

    internal Shell.Result InServer(string program, params string[] args) => Shell.Check("ip", ["netns", "exec", ServerName, program, .. args]);

    internal Shell.Result TryInServer(string program, params string[] args) => Shell.Try("ip", ["netns", "exec", ServerName, program, .. args]);

    /// <summary>conntrack -L -o extended,id in the server namespace, with extra filter arguments.</summary>
    public string[] ConntrackList(params string[] filter) =>
        TryInServer("conntrack", ["-L", "-o", "extended,id", .. filter]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static void Ip(string ns, params string[] args) => Shell.Check("ip", ["-n", ns, .. args]);

    public void Dispose()
    {
        foreach (var s in _sockets)
            s.Dispose();
        if (ClientName.Length > 0)
        {
            Shell.Try("ip", "netns", "del", ClientName);
            Shell.Try("ip", "netns", "del", ServerName);
        }
    }
}
