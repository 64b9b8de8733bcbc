using Spectre.Console;

namespace Conntrack.Cli.Output;

/// <summary>A progress bar on stderr while a long replay runs (only used when stderr is a terminal).</summary>
internal static class ProgressDisplay
{
    public static T Run<T>(string name, Func<Action<double>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(Path.GetFileName(name)), maxValue: 1.0);
                result = work(fraction => task.Value = fraction);
            });
        return result;
    }
}
