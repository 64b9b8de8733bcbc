using System.Net;
using System.Net.Sockets;

namespace Conntrack.KernelParity.Tests.Monitor;

/// <summary>
/// <c>ctnet serve</c> started by a test in the host's namespace, on a free port of 127.0.0.1, watching the named
/// namespace; ready once /healthz answers 200 (the first resync is done).
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly BackgroundProgram _program;

    public ServeProcess(string netns, params string[] extra)
    {
        Port = FreePort();
        _program = new BackgroundProgram("dotnet", [Path.Combine(AppContext.BaseDirectory, "ctnet.dll"),
            "serve", "--listen", $"127.0.0.1:{Port}", "--netns", netns, .. extra]);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    public int Pid => _program.Pid;

    public bool Exited => _program.Exited;

    public string Output => _program.Output;

    /// <summary>Waits until /healthz says every namespace is watched; throws with serve's output when it does not.</summary>
    public void WaitHealthy(TimeSpan patience)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline && !_program.Exited)
        {
            try
            {
                if (http.GetAsync(Url + "healthz").Result.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (AggregateException e) when (e.InnerException is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"ctnet serve not healthy within {patience}:\n{_program.Output}");
    }

    public void Dispose() => _program.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
