using System.Net;
using System.Net.Sockets;
using Conntrack.KernelParity.Tests.Environment;
using Conntrack.KernelParity.Tests.Kernel;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// <c>ctnet serve --netns all</c> on the real host: a namespace created after the start gets watched, and one deleted
/// loses its series at the next enumeration. Read-only towards every namespace it watches.
/// </summary>
[Collection(KernelParityCollection.Name)]
public sealed class ServeAllNamespacesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [KernelFact]
    public void New_namespaces_are_watched_and_deleted_ones_dropped()
    {
        string early = $"ctnet-sa-{System.Environment.ProcessId}-a", late = $"ctnet-sa-{System.Environment.ProcessId}-b";
        int port = FreePort();
        try
        {
            Shell.Check("ip", "netns", "add", early);
            using var serve = new BackgroundProgram("dotnet", Path.Combine(AppContext.BaseDirectory, "ctnet.dll"),
                "serve", "--listen", $"127.0.0.1:{port}", "--netns", "all");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                WaitUntil(http, port, m => m.Contains($"ctnet_watch_up{{netns=\"{early}\"}} 1", StringComparison.Ordinal), "the first namespace watched");
                Shell.Check("ip", "netns", "add", late);
                WaitUntil(http, port, m => m.Contains($"ctnet_watch_up{{netns=\"{late}\"}} 1", StringComparison.Ordinal), "the namespace added later watched");
                Shell.Check("ip", "netns", "delete", early);
                string after = WaitUntil(http, port, m => !m.Contains($"netns=\"{early}\"", StringComparison.Ordinal), "the deleted namespace's series gone");
                Assert.Contains($"node_nf_conntrack_entries{{netns=\"{late}\"}} 0", after, StringComparison.Ordinal);
            }
            catch
            {
                output.WriteLine($"ctnet serve:\n{serve.Output}");
                throw;
            }
        }
        finally
        {
            Shell.Try("ip", "netns", "delete", early);
            Shell.Try("ip", "netns", "delete", late);
        }
    }

    private static string WaitUntil(HttpClient http, int port, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            string metrics = "";
            try
            {
                metrics = http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult();
            }
            catch (HttpRequestException)
            {
            }
            if (metrics.Length > 0 && condition(metrics))
                return metrics;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {Patience.TotalSeconds} s: {what}");
            Thread.Sleep(500);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
