namespace Conntrack.Monitor;

/// <summary>Entries created and destroyed per second between two snapshots, from the event counts.</summary>
internal sealed class EventRates
{
    private DateTimeOffset? _at;
    private long _created, _destroyed;

    public (double Created, double Destroyed) Next(DateTimeOffset now, long created, long destroyed)
    {
        double seconds = _at is { } at ? (now - at).TotalSeconds : 0;
        var rates = seconds > 0 ? ((created - _created) / seconds, (destroyed - _destroyed) / seconds) : (0.0, 0.0);
        (_at, _created, _destroyed) = (now, created, destroyed);
        return rates;
    }
}
