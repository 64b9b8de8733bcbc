using Spectre.Console;

namespace Conntrack.Cli.Output;

/// <summary>A progress bar with rate and time left on stderr while a long replay runs (only used when stderr is a terminal).</summary>
internal static class ProgressDisplay
{
    /// <param name="name">The input, shown before the bar.</param>
    /// <param name="length">Bytes in the input: the bar counts bytes, so the rate is in bytes per second.</param>
    /// <param name="work">The replay, given a callback taking the fraction of the input read.</param>
    public static T Run<T>(string name, long length, Func<Action<double>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(Path.GetFileName(name)), maxValue: length);
                result = work(fraction => task.Value = fraction * length);
            });
        return result;
    }
}
