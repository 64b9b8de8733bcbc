using Conntrack.Fuzz;
using SharpFuzz;

const string Usage = """
    usage: Conntrack.Fuzz <target>                  run a target under afl-fuzz (see fuzz/run.sh)
           Conntrack.Fuzz replay-corpus [fuzz-dir]  every saved corpus and regression file through its target
           Conntrack.Fuzz replay <target> <file>    one input through a target, in this process
           Conntrack.Fuzz packets-seed <capture> <out>  a capture's IP packets as a packets-target input
    targets: 
    """;

if (args.Length == 0)
    return Fail(Usage + string.Join(", ", FuzzTargets.ByName.Keys));

switch (args[0])
{
    case "replay-corpus" when args.Length <= 2:
        return CorpusReplay.Run(args.Length == 2 ? args[1] : FindFuzzDirectory(), Console.Out);
    case "replay" when args.Length == 3 && FuzzTargets.ByName.TryGetValue(args[1], out var one):
        one(File.ReadAllBytes(args[2]));
        Console.WriteLine($"{args[2]}: handled by the {args[1]} target");
        return 0;
    case "packets-seed" when args.Length == 3:
        return PacketSeeds.Convert(args[1], args[2], Console.Out);
    default:
        if (args.Length == 1 && FuzzTargets.ByName.TryGetValue(args[0], out var target))
        {
            // Out of process: a stack overflow or a crash of the runtime is reported as a crash too.
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target(buffer.ToArray());
            });
            return 0;
        }
        return Fail($"'{string.Join(' ', args)}': unknown mode or target\n" + Usage + string.Join(", ", FuzzTargets.ByName.Keys));
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}

// The fuzz folder: the nearest ancestor of the program holding corpus/ beside Conntrack.Fuzz/.
static string FindFuzzDirectory()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (Directory.Exists(Path.Combine(dir.FullName, "corpus")) && Directory.Exists(Path.Combine(dir.FullName, "Conntrack.Fuzz")))
            return dir.FullName;
    }
    return Path.Combine(Environment.CurrentDirectory, "fuzz");
}
