using System.CommandLine;
using Conntrack.Cli.Input;

namespace Conntrack.Cli.Commands;

/// <summary>Options of every command that replays traffic (replay, demo): how it is tracked and whether the table is dumped.</summary>
internal sealed class ReplayRunOptions
{
    /// <summary>Below this size a replay finishes before a progress bar (or a second thread) is worth starting.</summary>
    public const long ProgressThresholdBytes = 16L << 20;

    public Option<string?> Dump { get; } = new Option<string?>("--dump")
    {
        Description = "Print the final table as /proc/net/nf_conntrack (proc) or conntrack -L (conntrack) would; the summary goes to stderr.",
        HelpName = "proc|conntrack",
    }.ParsedBy(ValueParsers.OneOf("proc", "conntrack"));

    public Option<int?> Threads { get; } = new Option<int?>("--threads")
    {
        Description = "Threads that track, 1 to 64 (results are identical for any number); default: every core for captures over 16 MiB, else 1.",
        HelpName = "N",
    }.ParsedBy((option, text) => (int)ValueParsers.Whole(1, 64)(option, text));

    public Option<long?> HashSeed { get; } = new Option<long?>("--hash-seed")
    {
        Description = "Fix the table's hash key (and with it bucket placement, what lookups reap and which entry early drop takes), so two runs agree entry for entry; default: random, as the kernel's.",
        HelpName = "N",
    }.ParsedBy(ValueParsers.Whole(0, long.MaxValue));

    public void AddTo(Command command)
    {
        command.Add(Dump);
        command.Add(Threads);
        command.Add(HashSeed);
    }

    public ulong? HashSeedOf(ParseResult parse) => (ulong?)parse.GetValue(HashSeed);

    /// <summary>The threads asked for, else every core for a capture large enough to be worth it.</summary>
    public int ThreadsFor(ParseResult parse, long? captureBytes) =>
        parse.GetValue(Threads) ?? (captureBytes is > ProgressThresholdBytes ? Environment.ProcessorCount : 1);
}
