using System.Text;
using Conntrack.Analysis.Doctor;
using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Tests;

/// <summary>Helpers: fixture roots, in-memory streams, and parsing shortcuts.</summary>
internal static class Support
{
    public static string Fixture(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        Assert.True(Directory.Exists(path), $"fixture {name} missing at {path}");
        return path;
    }

    public static Stream Text(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    public static Diagnosis Doctor(string fixture, Func<HostReadOptions, HostReadOptions>? tweak = null)
    {
        var options = new HostReadOptions { Root = Fixture(fixture) };
        return DoctorAnalyzer.Analyze(HostReader.Read(tweak?.Invoke(options) ?? options));
    }

    public static LogFileResult Log(string text, ParseIssueLog? issues = null, string label = "log", int index = 0) =>
        KernelLogParser.Read(Text(text), label, index, issues ?? new ParseIssueLog());

    /// <summary>A temporary directory removed on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ctnet-host-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string relative, string content)
        {
            string full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            System.IO.File.WriteAllText(full, content);
            return full;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
