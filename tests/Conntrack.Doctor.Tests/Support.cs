using System.Text;
using Conntrack.Host;
using Conntrack.TestData;

namespace Conntrack.Doctor.Tests;

/// <summary>Helpers: the doctor on a fixture snapshot, in-memory streams.</summary>
internal static class Support
{
    public static string Fixture(string name) => Snapshots.Path(name);

    public static Stream Text(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    public static Diagnosis Doctor(string fixture, Func<HostReadOptions, HostReadOptions>? tweak = null)
    {
        var options = new HostReadOptions { Root = Fixture(fixture) };
        return DoctorAnalyzer.Analyze(HostReader.Read(tweak?.Invoke(options) ?? options));
    }
}
