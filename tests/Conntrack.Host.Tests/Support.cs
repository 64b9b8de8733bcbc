using System.Text;
using Conntrack.Host.Logs;
using Conntrack.Host.Parsing;

namespace Conntrack.Host.Tests;

/// <summary>Helpers: in-memory streams and parsing shortcuts.</summary>
internal static class Support
{
    public static Stream Text(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    public static LogFileResult Log(string text, ParseIssueLog? issues = null, string label = "log", int index = 0) =>
        KernelLogParser.Read(Text(text), label, index, issues ?? new ParseIssueLog());
}
