using System.CommandLine;
using System.CommandLine.Parsing;
using Conntrack.Capture;
using Conntrack.Cli.Input;
using Conntrack.Settings;

namespace Conntrack.Cli;

/// <summary>Turns every failure into one line on stderr: exit code 2 for bad input, 1 when the work was done but its output could not be written.</summary>
internal static class CliErrors
{
    /// <param name="action">The work; returns the exit code.</param>
    /// <param name="failureExit">When set, the exit code of every failure (a monitoring check's UNKNOWN).</param>
    public static int Guard(Func<int> action, int? failureExit = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.Count > 0)
        {
            return Guard(() => throw e.Flatten().InnerExceptions[0], failureExit);
        }
        catch (Commands.ReaderGoneException)
        {
            return Commands.ReaderGoneException.ExitCode;
        }
        catch (OutputFailedException e)
        {
            return Fail(e.Message, failureExit ?? ExitCodes.Failure);
        }
        catch (Exception e) when (BadInputLine(e) is { } line)
        {
            return Fail(line, failureExit ?? ExitCodes.BadInput);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not bad input: still one line, never a stack trace on the user's terminal.
            return Fail($"internal error: {e.GetType().Name}: {e.Message}", failureExit ?? ExitCodes.Failure);
        }
    }

    /// <summary>The first parse error, as one line (the library's help text is not printed).</summary>
    public static int ParseFailed(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var error = parse.Errors[0];
        string hint = error.SymbolResult is CommandResult { Command: var command } ? $" (see {CommandPath(command)} --help)" : "";
        return Fail(error.Message + hint, ExitCodes.BadInput);
    }

    private static string? BadInputLine(Exception e) => e switch
    {
        UsageException or CaptureFormatException or SettingsException => e.Message,
        FileNotFoundException f => $"{f.FileName ?? "file"}: no such file",
        DirectoryNotFoundException or UnauthorizedAccessException or IOException => e.Message,
        ArgumentException => e.Message,
        _ => null,
    };

    private static string CommandPath(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent and not RootCommand ? $"{CommandPath(parent)} {command.Name}"
        : command is RootCommand ? "ctnet" : $"ctnet {command.Name}";

    private static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"ctnet: {OneLine.Of(message)}");
        return exitCode;
    }
}
