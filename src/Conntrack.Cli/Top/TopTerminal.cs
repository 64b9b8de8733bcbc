using System.Runtime.InteropServices;
using Conntrack.Monitor.Top;

namespace Conntrack.Cli.Top;

/// <summary>The live view: keys read as they come, the frame redrawn (changed lines only) as watchers answer, the page fitted to the terminal.</summary>
internal static class TopTerminal
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    public static int Run(ITopSource session, bool allowDelete)
    {
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        var controller = new TopController(session.Query, allowDelete && session.CanDelete, session.Delete, session.Delete);
        TopFrame? frame = null;
        using (var screen = new TerminalScreen(Console.Out))
        {
            while (!controller.Quit && !stop.IsCancellationRequested)
            {
                var (width, height) = (Math.Max(1, Console.WindowWidth), Math.Max(3, Console.WindowHeight));
                controller.FitRows(TopLayout.RowsFor(height));
                if (!ReferenceEquals(controller.Query, session.Query))
                    session.Query = controller.Query;
                frame = session.Frame() ?? frame;
                while (Console.KeyAvailable)
                    controller.Handle(Console.ReadKey(intercept: true), frame);
                screen.Draw(controller.Lines(frame, width, height), width, height);
                stop.Token.WaitHandle.WaitOne(Tick);
            }
        }
        return ExitCodes.Success;
    }
}
