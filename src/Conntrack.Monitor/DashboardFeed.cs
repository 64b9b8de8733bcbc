using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conntrack.Monitor;

/// <summary>One namespace on the dashboard's event stream: the watcher's snapshot and the doctor's view of it.</summary>
public sealed record DashboardNamespace(string Netns, string? Error, NamespaceSnapshot? Snapshot, DoctorView? Doctor);

/// <summary>One message of the dashboard's event stream.</summary>
public sealed record DashboardState(DateTimeOffset Taken, IReadOnlyList<DashboardNamespace> Namespaces);

/// <summary>
/// The JSON every dashboard client is sent, built once per new set of snapshots and shared by all clients
/// (fifty clients cost one serialization and one diagnosis per namespace per interval, not fifty).
/// </summary>
internal sealed class DashboardFeed(IReadOnlyList<NamespaceWatcher> watchers)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly Lock _gate = new();
    private readonly ConditionalWeakTable<NamespaceSnapshot, DoctorView> _doctor = [];
    private (string Label, string? Error, NamespaceSnapshot? Snapshot)[] _basis = [];
    private byte[] _message = [];

    /// <summary>The current message as UTF-8 JSON; the same array until a watcher publishes or its error changes.</summary>
    public byte[] Current()
    {
        var basis = watchers.Select(w => (w.Label, w.Error, Snapshot: w.Latest)).ToArray();
        lock (_gate)
        {
            if (_message.Length > 0 && basis.AsSpan().SequenceEqual(_basis, BasisComparer.Instance))
                return _message;
            var state = new DashboardState(DateTimeOffset.UtcNow,
                [.. basis.Select(b => new DashboardNamespace(b.Label, b.Error, b.Snapshot, b.Snapshot is { } s ? _doctor.GetValue(s, DoctorView.Of) : null))]);
            _basis = basis;
            _message = JsonSerializer.SerializeToUtf8Bytes(state, Json);
            return _message;
        }
    }

    private sealed class BasisComparer : IEqualityComparer<(string Label, string? Error, NamespaceSnapshot? Snapshot)>
    {
        public static readonly BasisComparer Instance = new();

        public bool Equals((string Label, string? Error, NamespaceSnapshot? Snapshot) x, (string Label, string? Error, NamespaceSnapshot? Snapshot) y) =>
            x.Label == y.Label && x.Error == y.Error && ReferenceEquals(x.Snapshot, y.Snapshot);

        public int GetHashCode((string Label, string? Error, NamespaceSnapshot? Snapshot) obj) => obj.Label.GetHashCode(StringComparison.Ordinal);
    }
}
