using Conntrack.Capture;
using Conntrack.TestData;

namespace Conntrack.KernelParity.Tests.Scenarios;

/// <summary>The scenarios' TCP connections: <see cref="ScenarioHost.Client"/> to the server, letters as data.</summary>
internal static class ScenarioConversation
{
    /// <summary>Both sides advertise the client's default window.</summary>
    public const ushort Window = TcpConversation.DefaultClientWindow;

    public static TcpConn New(bool ipv6 = false, ushort clientPort = 40000, ushort serverPort = 80, uint clientIsn = 1_000_000, uint serverIsn = 5_000_000)
    {
        var (client, server) = ipv6 ? (ScenarioHost.Client6, ScenarioHost.Server6) : (ScenarioHost.Client, ScenarioHost.Server);
        return new TcpConn(client.Address, clientPort, server.Address, serverPort, clientIsn, serverIsn, serverWindow: Window) { Payload = Payloads.Letters };
    }
}
