using Conntrack.Host;
using Conntrack.TestData;

namespace Conntrack.Doctor.Tests;

public class SnapshotTests
{
    private static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal);

    [Theory]
    [InlineData("full-table")]
    [InlineData("legacy-2.6")]
    [InlineData("cumulus-switch")]
    public void Copies_exactly_the_doctors_files_byte_for_byte_and_the_doctor_agrees(string fixture)
    {
        string source = Support.Fixture(fixture);
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "snap");
        var result = SnapshotWriter.Write(output, source, dmesg: null);
        Assert.Empty(result.Skipped);

        // Everything the doctor reads (HostPaths' one list) but dmesg.txt (a command's output, not a file).
        var expected = Files(source).Where(f => f != HostPaths.DmesgFile).ToList();
        Assert.Equal(expected, Files(output));
        foreach (string f in expected)
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, f)), File.ReadAllBytes(Path.Combine(output, f)));

        var original = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = source }));
        var copy = DoctorAnalyzer.Analyze(HostReader.Read(new HostReadOptions { Root = output }));
        Assert.Equal((original.Usage.Count, original.Usage.Max, original.Usage.Buckets), (copy.Usage.Count, copy.Usage.Max, copy.Usage.Buckets));
        Assert.Equal(original.Verdict == Verdict.DroppingFull, copy.Host.Logs.TableFullPrinted > 0 || copy.Host.Counters is not null);
        Assert.Equal(original.Host.Table?.Summary.Entries, copy.Host.Table?.Summary.Entries);
    }

    [Fact]
    public void Writes_dmesg_output_and_refuses_a_non_empty_directory()
    {
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "snap");
        var result = SnapshotWriter.Write(output, Support.Fixture("modern-healthy"), stream =>
        {
            stream.Write("[    1.000000] hello\n"u8);
            return true;
        });
        Assert.Contains("dmesg > dmesg.txt", result.Copied);
        Assert.Equal("[    1.000000] hello\n", File.ReadAllText(Path.Combine(output, "dmesg.txt")));
        Assert.Throws<SnapshotWriter.NotEmptyException>(() => SnapshotWriter.Write(output, Support.Fixture("modern-healthy"), null));

        // A failing dmesg leaves no file behind.
        string second = Path.Combine(dir.Path, "snap2");
        var failed = SnapshotWriter.Write(second, Support.Fixture("modern-healthy"), _ => false);
        Assert.Contains("dmesg: the command failed", failed.Skipped);
        Assert.False(File.Exists(Path.Combine(second, "dmesg.txt")));
        Assert.Throws<SnapshotWriter.NotEmptyException>(() => SnapshotWriter.Write(Path.Combine(second, HostPaths.MemInfo), "/", null));
    }
}
