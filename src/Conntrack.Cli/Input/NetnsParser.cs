using System.Globalization;
using Conntrack.Host.Netlink;

namespace Conntrack.Cli.Input;

/// <summary><c>--netns</c>: a name from <c>ip netns</c>, <c>pid:PID</c>, or a path (anything with a '/').</summary>
internal static class NetnsParser
{
    public static NetnsTarget? Parse(string? text)
    {
        if (text is null)
            return null;
        if (text.StartsWith("pid:", StringComparison.Ordinal))
        {
            return int.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0
                ? NetnsTarget.OfProcess(pid)
                : throw UsageException.For("--netns", text, "pid:PID with a process id above 0");
        }
        if (text.Contains('/', StringComparison.Ordinal))
            return NetnsTarget.AtPath(text);
        if (text.Length == 0 || text is "." or "..")
            throw UsageException.For("--netns", text, "a name from 'ip netns list', pid:PID or a path");
        return NetnsTarget.Named(text);
    }
}
