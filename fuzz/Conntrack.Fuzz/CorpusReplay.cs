using System.Diagnostics;

namespace Conntrack.Fuzz;

/// <summary>
/// The CI smoke: every saved corpus file (fuzz/corpus/&lt;target&gt;/) and crash regression file
/// (fuzz/regressions/&lt;target&gt;/) through its target in this process, without AFL. An exception
/// that escapes a target fails the run, naming the file.
/// </summary>
internal static class CorpusReplay
{
    public static int Run(string fuzzDirectory, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        int files = 0, failures = 0;
        foreach (var (name, target) in FuzzTargets.ByName)
        {
            foreach (string folder in new[] { "corpus", "regressions" })
            {
                string directory = Path.Combine(fuzzDirectory, folder, name);
                if (!Directory.Exists(directory))
                    continue;
                foreach (string file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
                {
                    files++;
                    try
                    {
                        target(File.ReadAllBytes(file));
                    }
#pragma warning disable CA1031 // Any escaped exception is the finding being reported.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        failures++;
                        output.WriteLine($"{file}: {name} target threw {e.GetType().Name}: {e.Message}");
                        output.WriteLine(e.StackTrace);
                    }
                }
            }
        }
        if (files == 0)
        {
            output.WriteLine($"{fuzzDirectory}: no corpus files found (expected corpus/<target>/ folders)");
            return 2;
        }
        output.WriteLine($"replay-corpus: {files} files through {FuzzTargets.ByName.Count} targets in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine($"{files - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }
}
