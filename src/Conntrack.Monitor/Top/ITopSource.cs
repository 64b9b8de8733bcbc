namespace Conntrack.Monitor.Top;

/// <summary>What the top view shows: live namespaces (<see cref="TopSession"/>) or the engine replaying a capture (<see cref="TopReplay"/>).</summary>
public interface ITopSource : IDisposable
{
    /// <summary>The page to show; the next frame answers it.</summary>
    TopQuery Query { get; set; }

    /// <summary>Whether <see cref="Delete(TopEntryRow)"/> can work at all (a replay has no kernel to delete from).</summary>
    bool CanDelete { get; }

    void Start();

    /// <summary>The latest frame answering the current query; null until there is one.</summary>
    TopFrame? Frame();

    /// <summary>Deletes one entry: false when it was already gone.</summary>
    bool Delete(TopEntryRow row);

    /// <summary>Deletes the entries of one group that the current filter matches; returns how many went.</summary>
    long Delete(TopGroupRow row);
}
