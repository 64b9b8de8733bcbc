using System.Text.Json;

namespace Conntrack.Cli.Tests;

public class ReplayCaptureIssuesTests
{
    [Fact]
    public void A_zero_filled_tail_is_counted_in_capture_issues_not_replayed_as_records()
    {
        // A real two-packet capture as a crash leaves a pre-allocated file: zeros after the last record.
        byte[] real = File.ReadAllBytes(Path.Combine(CtnetProcess.SharedCaptures, "zeek_tcp_syn-synack.pcap"));
        string path = Path.Combine(Path.GetTempPath(), $"ctnet-zero-tail-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, [.. real, .. new byte[4096]]);
        try
        {
            var run = CtnetProcess.Run("replay", path, "--json");
            Assert.Equal(0, run.ExitCode);
            using var doc = JsonDocument.Parse(run.Stdout);
            var root = doc.RootElement;
            Assert.Equal(2, root.GetProperty("packets").GetInt64());
            var skipped = root.GetProperty("skipped");
            Assert.Equal(1, skipped.GetProperty("capture_issues").GetInt64());
            var issue = Assert.Single(skipped.GetProperty("issues").EnumerateArray());
            Assert.Equal(real.Length, issue.GetProperty("offset").GetInt64());
            Assert.Equal(2, issue.GetProperty("packet").GetInt64());
            Assert.Equal("4096 zero bytes from here to the end of the file (pre-allocated or cut short), not records; skipped", issue.GetProperty("reason").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
