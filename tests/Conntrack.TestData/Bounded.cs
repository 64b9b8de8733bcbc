namespace Conntrack.TestData;

/// <summary>Runs a read that must not block: a hang fails the test by timeout instead of hanging the suite.</summary>
public static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static Task<T> Run<T>(Func<T> read) => Task.Run(read).WaitAsync(Limit);
}
