using System.IO.Pipes;
using Conntrack.Capture;
using Conntrack.Replay.Planning;
using Conntrack.Replay.Scenarios;
using Conntrack.Settings;
using Xunit.Abstractions;

namespace Conntrack.Replay.Tests;

public class SteadyStateProjectionTests(ITestOutputHelper output)
{
    private const long Second = 1_000_000_000;
    private const double Short = 120, Long = 900;

    /// <summary>
    /// The first two minutes of a scenario, projected to the uptime of a 15-minute run (the span of
    /// its packets: the idle scenario's end after ten seconds), predict the peak that run reaches.
    /// Rates are the smallest that keep the counts in the thousands (Poisson noise of a few per
    /// cent), so the long run replays in seconds.
    /// </summary>
    [Theory]
    [InlineData("web", 50.0, null)]
    [InlineData("nat", 50.0, null)]
    [InlineData("dns", 200.0, null)]
    [InlineData("idle", null, 5000)]
    public void Two_minutes_predict_the_peak_of_fifteen(string scenario, double? rate, int? clients)
    {
        var settings = new ConntrackSettings();
        var early = Replay(scenario, rate, clients, Short, settings);
        var late = Replay(scenario, rate, clients, Long, settings);
        var projection = SteadyStateProjection.From(early, settings, late.DurationSeconds);
        Assert.NotNull(projection);
        int peak = late.PeakEntries;

        double error = (projection.Peak - peak) / (double)peak;
        output.WriteLine($"{scenario}: 2-min peak {early.PeakEntries}, projected {projection.Peak} ± {projection.Uncertainty:0}, 15-min peak {peak}, error {error:+0.0%;-0.0%}");
        foreach (var c in projection.Classes)
            output.WriteLine($"  {c}");
        output.WriteLine($"  open {projection.Open}, unreaped {projection.Unreaped:0} (cycle {projection.CollectorCycleSeconds} s), fluctuation {projection.Fluctuation:0}");
        Assert.InRange(error, -0.10, 0.10);
    }

    [Fact]
    public void A_web_capture_shorter_than_time_wait_has_not_settled()
    {
        var settings = new ConntrackSettings();
        var projection = SteadyStateProjection.From(Replay("web", 50, null, 60, settings), settings);
        Assert.NotNull(projection);
        Assert.False(projection.ReachedInCapture);
        var timeWait = Assert.Single(projection.Unsettled);
        Assert.Equal("tcp TIME_WAIT", timeWait.Class);
        // Holding = lifetime (a few seconds of keep-alive requests) + the 120 s TIME_WAIT timeout.
        Assert.InRange(timeWait.MeanHoldingSeconds, 120, 130);
        Assert.InRange(timeWait.ArrivalsPerSecond, 45, 55);
        Assert.Null(projection.Open);
    }

    [Fact]
    public void Dns_settles_within_two_minutes()
    {
        var settings = new ConntrackSettings();
        var replay = Replay("dns", 200, null, Short, settings);
        var projection = SteadyStateProjection.From(replay, settings);
        Assert.NotNull(projection);
        Assert.True(projection.ReachedInCapture);
        Assert.InRange(projection.Peak, replay.PeakEntries * 0.9, replay.PeakEntries * 1.1);
    }

    [Fact]
    public void Idle_connections_are_held_as_they_were_without_a_horizon()
    {
        var settings = new ConntrackSettings();
        var projection = SteadyStateProjection.From(Replay("idle", null, 2000, Short, settings), settings);
        Assert.NotNull(projection);
        var open = Assert.NotNull(projection.Open);
        // They open over the capture's ten seconds of packets and none closes: the capture cannot
        // bound them, so the steady state counts them as held and names where the timeout leads.
        Assert.Equal(2000, open.Held);
        Assert.Equal(2000, open.AtEnd);
        Assert.Equal(2000, open.Entries);
        Assert.True(open.Growing);
        Assert.Equal(432000, open.TimeoutSeconds);
        Assert.Equal(2000, projection.Peak);
        Assert.False(projection.ReachedInCapture);
    }

    [Fact]
    public void Nat_sessions_keep_arriving_and_are_not_bounded_by_the_capture()
    {
        var settings = new ConntrackSettings();
        var projection = SteadyStateProjection.From(Replay("nat", 50, null, Short, settings), settings);
        Assert.NotNull(projection);
        var open = Assert.NotNull(projection.Open);
        Assert.True(open.Growing);
        Assert.False(projection.ReachedInCapture);
        // 5 % of 50 flows/s are SSH sessions that go idle.
        Assert.InRange(open.ArrivalsPerSecond, 1.5, 3.5);
        Assert.True(open.AtTimeout > 100 * open.Held);
    }

    [Fact]
    public void A_capture_of_a_few_seconds_is_too_short_to_project()
    {
        var settings = new ConntrackSettings();
        Assert.Null(SteadyStateProjection.From(Replay("web", 50, null, 0.3, settings), settings));
    }

    /// <summary>Generates the scenario into a pipe that the replay reads, so no capture is held in memory.</summary>
    private static ReplayResult Replay(string scenario, double? rate, int? clients, double seconds, ConntrackSettings settings)
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var writer = Task.Run(() =>
        {
            using (server)
                ScenarioCatalog.Generate(server, scenario, 3, rate, clients, (long)(seconds * Second));
        });
        ReplayResult result;
        using (var reader = CaptureReader.Open(client, scenario))
            result = ReplayRunner.Run(reader, new ReplayOptions { Settings = settings, HashSeed = 7 });
        writer.GetAwaiter().GetResult();
        return result;
    }
}
