using System.CommandLine;
using System.Globalization;
using Conntrack.Replay.Scenarios;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet gen SCENARIO --out FILE</c>: write a deterministic generated capture.</summary>
internal static class GenCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("SCENARIO")
        {
            Description = "One of: " + string.Join(", ", ScenarioCatalog.All.Select(s => $"{s.Name} ({s.Description})")),
        };
        scenario.AcceptOnlyFromAmong([.. ScenarioCatalog.All.Select(s => s.Name)]);
        var output = new Option<string>("--out") { Description = "Capture file to write (pcap, nanosecond timestamps, Ethernet).", Required = true, HelpName = "FILE" };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed writes the same file.", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate") { Description = "New flows per second (scenario default when omitted)." };
        var duration = new Option<string>("--duration") { Description = "Length of the capture: 90s, 10m, 2h (default 60s).", DefaultValueFactory = _ => "60s" };
        var clients = new Option<int>("--clients") { Description = "Number of client hosts (scenario default when omitted)." };
        var command = new Command("gen", "Generate realistic, deterministic traffic as a pcap.") { scenario, output, seed, rate, duration, clients };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            long length = ParseDuration(parse.GetRequiredValue(duration));
            string path = parse.GetRequiredValue(output);
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            long packets = ScenarioCatalog.Generate(file, parse.GetRequiredValue(scenario), parse.GetValue(seed),
                parse.GetValue(rate), parse.GetValue(clients), length);
            Console.Error.WriteLine($"ctnet: wrote {packets.ToString("N0", CultureInfo.InvariantCulture)} packets ({file.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes) to {path}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>"90", "90s", "10m", "2h", "1d" → nanoseconds.</summary>
    public static long ParseDuration(string text)
    {
        string t = text.Trim();
        long unit = 1_000_000_000;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit *= char.ToLowerInvariant(t[^1]) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => throw new ArgumentException($"--duration '{text}': expected a number with s, m, h or d"),
            };
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value > 366 * 86400)
            throw new ArgumentException($"--duration '{text}': expected a positive length such as 90s, 10m or 2h");
        return (long)(value * unit);
    }
}
