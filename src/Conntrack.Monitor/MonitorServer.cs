using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Conntrack.Monitor;

/// <summary><c>ctnet serve</c>: the watchers and the Kestrel endpoints /metrics, /healthz, /api/state and the dashboard (/ and /api/events).</summary>
public static class MonitorServer
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Serves until <paramref name="stop"/> is cancelled; <paramref name="started"/> is told the address once it listens.</summary>
    public static async Task RunAsync(MonitorOptions options, Action<string> started, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(started);
        using var host = new HostSources();
        using var watchers = new WatcherSet(options, host);
        var metrics = new ConntrackMetrics(() => watchers.Select(w => new WatchedNamespace(w.Label, w.Error, w.Latest)), options.AllNamespaces || options.Namespaces.Count > 1);
        host.Start();
        watchers.Start();
        await using var app = Build(options, watchers, metrics);
        await app.StartAsync(stop).ConfigureAwait(false);
        started($"http://{options.Listen}");
        await app.WaitForShutdownAsync(stop).ConfigureAwait(false);
    }

    private static WebApplication Build(MonitorOptions options, IReadOnlyList<NamespaceWatcher> watchers, ConntrackMetrics metrics)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Listen));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            long started = Stopwatch.GetTimestamp();
            await next(context).ConfigureAwait(false);
            if (context.Request.Path == "/metrics")
                metrics.ScrapeDuration.Set(Stopwatch.GetElapsedTime(started).TotalSeconds);
        });
        app.MapMetrics(settings =>
        {
            settings.Registry = metrics.Registry;
            settings.EnableOpenMetrics = true;
        }, "/metrics");
        app.MapGet("/healthz", () => Health(watchers));
        app.MapGet("/api/state", () => Results.Json(watchers.Select(w => new WatchState(w.Label, w.Error, w.Latest)).ToList(), Json));
        DashboardEndpoints.Map(app, new DashboardFeed(watchers), options.Interval);
        return app;
    }

    /// <summary>200 once every namespace has been resynced and is watched; 503 naming the ones that are not.</summary>
    private static IResult Health(IReadOnlyList<NamespaceWatcher> watchers)
    {
        var problems = watchers
            .Select(w => w.Error ?? (w.Latest is null ? $"{w.Label}: first resync not finished" : null))
            .OfType<string>().ToList();
        return problems.Count == 0
            ? Results.Text("ok\n")
            : Results.Text(string.Join('\n', problems) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>One namespace in /api/state.</summary>
public sealed record WatchState(string Netns, string? Error, NamespaceSnapshot? Snapshot);
