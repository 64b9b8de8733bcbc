using System.Net;
using Conntrack.Host.Netlink;

namespace Conntrack.Monitor;

/// <summary>What <c>ctnet serve</c> was asked for, already validated by the CLI.</summary>
public sealed record MonitorOptions
{
    public const int DefaultPort = 9467;

    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>The namespaces to watch, by label; empty: the namespace ctnet runs in, labelled "current".</summary>
    public IReadOnlyList<(string Label, NetnsTarget Target)> Namespaces { get; init; } = [];

    /// <summary><c>--netns all</c>: every namespace the host has, enumerated again every <see cref="RescanEvery"/>.</summary>
    public bool AllNamespaces { get; init; }
    public TimeSpan RescanEvery { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ResyncEvery { get; init; } = TimeSpan.FromMinutes(5);
    public int Top { get; init; } = 20;
    public int EventBufferBytes { get; init; } = ConntrackEventReader.DefaultBufferBytes;
}
