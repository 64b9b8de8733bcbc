using Conntrack.Capture;
using Conntrack.Settings;

namespace Conntrack.Cli;

/// <summary>Turns expected failures (bad input) into one line on stderr and exit code 2.</summary>
internal static class CliErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (CaptureFormatException e)
        {
            return Fail(e.Message);
        }
        catch (SettingsException e)
        {
            return Fail(e.Message);
        }
        catch (FileNotFoundException e)
        {
            return Fail($"{e.FileName ?? "file"}: no such file");
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(e.Message);
        }
        catch (IOException e)
        {
            return Fail(e.Message);
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"ctnet: {message}");
        return ExitCodes.BadInput;
    }
}
