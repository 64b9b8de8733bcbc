using Conntrack.Capture;
using Conntrack.Host.Files;

namespace Conntrack.Cli.Input;

/// <summary>Checks a capture path before anything reads it.</summary>
internal static class InputFile
{
    /// <summary>The name that stands for standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>Opens a checked path, or standard input for <see cref="StandardInput"/> (read once, never seeked).</summary>
    public static CaptureReader Open(string path) =>
        path == StandardInput ? CaptureReader.Open(Console.OpenStandardInput(), "stdin") : CaptureReader.Open(path);

    /// <summary>
    /// Refuses a missing path, a directory and, unless <paramref name="streamOk"/>, anything but a
    /// regular file: <c>plan</c> replays its input once per candidate, which a pipe cannot give twice,
    /// and a FIFO without a writer would block forever. Device files are never read.
    /// </summary>
    public static string Require(string path, bool streamOk)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"capture '{OneLine.Of(path)}': expected a file name");
        if (path == StandardInput)
        {
            return streamOk ? path
                : throw new UsageException("-: plan replays its input once per candidate limit and cannot read standard input: save the capture to a regular file first");
        }
        FileKind? kind = PathKind.Of(path);
        string shown = OneLine.Of(path);
        return kind switch
        {
            FileKind.Missing => throw new UsageException($"{shown}: no such file"),
            FileKind.Directory => throw new UsageException($"{shown}: is a directory, expected a pcap or pcapng file"),
            null or FileKind.Regular => path,
            FileKind.Fifo when streamOk => path,
            FileKind.Fifo => throw new UsageException($"{shown}: is a FIFO, but plan replays its input once per candidate limit: save the capture to a regular file first"),
            _ => throw new UsageException($"{shown}: is a {Words(kind.Value)}, expected a pcap or pcapng file"),
        };
    }

    /// <summary>How a refused kind is named to the user ("FIFO" as the shell's tools say it).</summary>
    public static string Words(FileKind kind) => kind == FileKind.Fifo ? "FIFO" : FileKindText.Words(kind);
}
