using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Analysis.Scenarios;

/// <summary>
/// The built-in demo: one minute at a small edge router with <c>nf_conntrack_max=2048</c>. HTTPS
/// clients open and close short connections (each leaves a TIME_WAIT entry for 120 s), hosts ask
/// DNS (30 s entries that never become ASSURED), a monitor pings, and from 40 s a SYN flood
/// with spoofed sources fills the table: early drop evicts what it can, the rest is dropped.
/// </summary>
public static class DemoScenario
{
    private const long Second = 1_000_000_000;
    private const long Millisecond = 1_000_000;
    private static readonly long Start = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * Millisecond;

    private const uint WebServer = 0xC000020A;   // 192.0.2.10
    private const uint Resolver = 0xC0000235;    // 192.0.2.53
    private const uint Monitor = 0x0A0000FE;     // 10.0.0.254
    private const uint ClientBase = 0x0A010000;  // 10.1.0.0/16

    public static ConntrackSettings DefaultSettings()
    {
        var settings = new ConntrackSettings();
        settings.Max = 2048;
        settings.Buckets = 2048;
        return settings;
    }

    public static void Write(Stream output, int seed)
    {
        var schedule = new TrafficSchedule();
        var random = new Random(seed);
        AddWebClients(schedule, random);
        AddDns(schedule, random);
        AddPings(schedule);
        AddSynFlood(schedule, random);
        schedule.WritePcap(output);
    }

    private static uint Client(Random random) => ClientBase + (uint)random.Next(1, 4000);

    private static void AddWebClients(TrafficSchedule s, Random random)
    {
        // ~40 connections per second for 60 s, each a few hundred milliseconds long.
        for (long t = 0; t < 60 * Second; t += (long)(random.NextDouble() * 50 * Millisecond))
        {
            uint client = Client(random);
            ushort port = (ushort)random.Next(32768, 61000);
            uint cseq = (uint)random.Next(), sseq = (uint)random.Next();
            long rtt = random.Next(5, 60) * Millisecond;
            long at = Start + t;
            int responses = random.Next(1, 6);
            s.Add(at, b => PacketBuilder.Tcp4(b, client, WebServer, port, 443, TcpFlags.Syn, cseq, 0, 64240));
            s.Add(at + rtt, b => PacketBuilder.Tcp4(b, WebServer, client, 443, port, TcpFlags.Syn | TcpFlags.Ack, sseq, cseq + 1, 65160));
            s.Add(at + rtt + 1, b => PacketBuilder.Tcp4(b, client, WebServer, port, 443, TcpFlags.Ack, cseq + 1, sseq + 1, 502));
            s.Add(at + rtt + 2, b => PacketBuilder.Tcp4(b, client, WebServer, port, 443, TcpFlags.Ack | TcpFlags.Psh, cseq + 1, sseq + 1, 502, new byte[300]));
            uint served = 0;
            long tt = at + (2 * rtt);
            for (int i = 0; i < responses; i++, tt += Millisecond)
            {
                uint offset = served;
                s.Add(tt, b => PacketBuilder.Tcp4(b, WebServer, client, 443, port, TcpFlags.Ack | TcpFlags.Psh, sseq + 1 + offset, cseq + 301, 509, new byte[1200]));
                served += 1200;
            }
            uint total = served;
            s.Add(tt + rtt, b => PacketBuilder.Tcp4(b, client, WebServer, port, 443, TcpFlags.Ack, cseq + 301, sseq + 1 + total, 502));
            s.Add(tt + rtt + 1, b => PacketBuilder.Tcp4(b, client, WebServer, port, 443, TcpFlags.Fin | TcpFlags.Ack, cseq + 301, sseq + 1 + total, 502));
            s.Add(tt + (2 * rtt), b => PacketBuilder.Tcp4(b, WebServer, client, 443, port, TcpFlags.Fin | TcpFlags.Ack, sseq + 1 + total, cseq + 302, 509));
            s.Add(tt + (3 * rtt), b => PacketBuilder.Tcp4(b, client, WebServer, port, 443, TcpFlags.Ack, cseq + 302, sseq + 2 + total, 502));
        }
    }

    private static void AddDns(TrafficSchedule s, Random random)
    {
        for (long t = 0; t < 60 * Second; t += (long)(random.NextDouble() * 66 * Millisecond))
        {
            uint client = Client(random);
            ushort port = (ushort)random.Next(1024, 65535);
            long at = Start + t;
            var query = new byte[40];
            random.NextBytes(query);
            s.Add(at, b => PacketBuilder.Udp4(b, client, Resolver, port, 53, query));
            s.Add(at + (random.Next(1, 30) * Millisecond), b => PacketBuilder.Udp4(b, Resolver, client, 53, port, new byte[120]));
        }
    }

    private static void AddPings(TrafficSchedule s)
    {
        for (int i = 0; i < 60; i++)
        {
            long at = Start + (i * Second);
            ushort seq = (ushort)i;
            s.Add(at, b => PacketBuilder.Icmp4(b, Monitor, WebServer, 8, 0, 0x4D2, seq, new byte[56]));
            s.Add(at + Millisecond, b => PacketBuilder.Icmp4(b, WebServer, Monitor, 0, 0, 0x4D2, seq, new byte[56]));
        }
    }

    private static void AddSynFlood(TrafficSchedule s, Random random)
    {
        // 300 spoofed SYNs per second from 40 s to 50 s: nobody ever answers them.
        for (long t = 40 * Second; t < 50 * Second; t += 3333 * 1000)
        {
            uint source = 0xCB000000u | (uint)random.Next(1, 1 << 24); // 203.0.0.0/8, spoofed
            ushort port = (ushort)random.Next(1024, 65535);
            uint seq = (uint)random.Next();
            s.Add(Start + t, b => PacketBuilder.Tcp4(b, source, WebServer, port, 80, TcpFlags.Syn, seq, 0, 1024));
        }
    }
}
