using System.Text.RegularExpressions;

namespace Conntrack.Cli.Tests;

/// <summary>Every command's --help: defaults said once, in the user's units; placeholders in one style.</summary>
public class HelpTextTests
{
    public static TheoryData<string> Commands => new() { "replay", "demo", "doctor", "snapshot", "gen", "plan", "bench" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_states_each_default_once_with_upper_case_placeholders(string command)
    {
        var run = CtnetProcess.Run(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("[default:", run.Stdout, StringComparison.Ordinal);
        foreach (Match m in Regex.Matches(run.Stdout, @"^  --[a-z-]+ <([^>]+)>", RegexOptions.Multiline))
            Assert.Matches(@"^([A-Z=]+|[a-z0-9.]+(\|[a-z0-9.]+)+|NAME\|BYTES)$", m.Groups[1].Value);
    }

    [Fact]
    public void Plan_headroom_default_reads_as_a_percentage()
    {
        var run = CtnetProcess.Run("plan", "--help");
        Assert.Contains("  --headroom <PERCENT>           Margin above the smallest safe limit, 0% to 1000% (default 20%).\n", run.Stdout, StringComparison.Ordinal);
    }
}
