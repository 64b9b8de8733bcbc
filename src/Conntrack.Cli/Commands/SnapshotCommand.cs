using System.CommandLine;
using Conntrack.Doctor;
using Conntrack.Host;

namespace Conntrack.Cli.Commands;

/// <summary><c>ctnet snapshot --out DIR</c>: copy the files the doctor reads, for analysis elsewhere.</summary>
internal static class SnapshotCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = "A new or empty directory; the files land at their host paths below it (proc/…, sys/…, var/log/…) plus dmesg.txt.",
            HelpName = "DIR",
            Required = true,
        };
        var command = new Command("snapshot", "Copy this host's conntrack files (sysctls, table, counters, slabinfo, meminfo, kernel logs, dmesg) for ctnet doctor --root elsewhere.")
        {
            output,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string dir = parse.GetRequiredValue(output);
            var result = SnapshotWriter.Write(dir, "/", SnapshotWriter.RunDmesg);
            foreach (string copied in result.Copied)
                Console.Out.WriteLine($"copied   {copied}");
            foreach (string skipped in result.Skipped)
                Console.Out.WriteLine($"skipped  {skipped}");
            Console.Out.WriteLine($"{result.Copied.Count} files, {DoctorText.Bytes(result.Bytes)} in {dir}; analyse with: ctnet doctor --root {dir}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
