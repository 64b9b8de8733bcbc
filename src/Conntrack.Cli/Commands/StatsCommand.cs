using System.CommandLine;
using System.Globalization;
using System.Text;
using Conntrack.Cli.Input;
using Conntrack.Host.Netlink;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet stats</c>: the kernel's per-CPU counters, as <c>conntrack -S</c> prints them.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var netns = new KernelTableOptions(events: false).Netns;
        var command = new Command("stats", "Print the kernel's per-CPU conntrack counters over ctnetlink, as conntrack -S does.") { netns };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            using var client = ConntrackClient.Open(NetnsParser.Parse(parse.GetValue(netns)));
            var text = new StringBuilder();
            foreach (var cpu in client.CpuStatistics())
            {
                // conntrack -S: "cpu=%-4u\t" then "name=%u " per counter; the last space stays.
                text.Append(CultureInfo.InvariantCulture, $"cpu={cpu.Cpu,-4}\t");
                foreach (var (name, value) in cpu.Values)
                    text.Append(CultureInfo.InvariantCulture, $"{name}={value} ");
                text.Append('\n');
            }
            Console.Out.Write(text.ToString());
            return ExitCodes.Success;
        }));
        return command;
    }
}
