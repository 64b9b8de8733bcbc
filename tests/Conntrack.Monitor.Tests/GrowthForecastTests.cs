namespace Conntrack.Monitor.Tests;

/// <summary>Time to full from the count's growth over the window.</summary>
public class GrowthForecastTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch.AddDays(20_000);

    private static GrowthForecast Fed(Func<int, long> countAt, int seconds, int windowSeconds = 60)
    {
        var forecast = new GrowthForecast(TimeSpan.FromSeconds(windowSeconds));
        for (int s = 0; s <= seconds; s++)
            forecast.Add(Start.AddSeconds(s), countAt(s));
        return forecast;
    }

    [Fact]
    public void Steady_growth_reaches_the_limit_at_the_growth_rate()
    {
        var forecast = Fed(s => 1000 + (100L * s), 30);
        Assert.Equal((10_000 - 4000) / 100.0, forecast.SecondsToFull(4000, 10_000), 6);
    }

    [Fact]
    public void Noise_around_a_trend_does_not_decide_it()
    {
        var forecast = Fed(s => 1000 + (100L * s) + (s % 2 == 0 ? 300 : -300), 40);
        Assert.InRange(forecast.SecondsToFull(5000, 10_000), 45, 55);
    }

    [Fact]
    public void A_flat_or_shrinking_table_never_fills()
    {
        Assert.Equal(double.PositiveInfinity, Fed(_ => 5000, 30).SecondsToFull(5000, 10_000));
        Assert.Equal(double.PositiveInfinity, Fed(s => 9000 - (10L * s), 30).SecondsToFull(8700, 10_000));
    }

    [Fact]
    public void Only_the_window_counts_and_a_full_table_is_full_now()
    {
        // Growth that stopped more than a window ago is forgotten.
        var forecast = Fed(s => s < 30 ? 1000 + (100L * s) : 3900, 200, windowSeconds: 60);
        Assert.Equal(double.PositiveInfinity, forecast.SecondsToFull(3900, 10_000));
        Assert.Equal(0, Fed(s => 100L * s, 10).SecondsToFull(10_000, 10_000));
        Assert.Equal(double.PositiveInfinity, new GrowthForecast(TimeSpan.FromMinutes(1)).SecondsToFull(10, 100));
    }
}
