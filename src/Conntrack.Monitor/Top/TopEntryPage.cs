using Conntrack.Host.Netlink;

namespace Conntrack.Monitor.Top;

/// <summary>
/// The first entries of a stream in an order, kept in a heap of the page's size: a million entries are never held
/// or sorted whole to show one page.
/// </summary>
internal sealed class TopEntryPage(IComparer<KernelEntry> order, int size)
{
    // The heap's top is the last entry kept, so a better one replaces it in one step.
    private readonly PriorityQueue<KernelEntry, KernelEntry> _kept = new(size + 1, Comparer<KernelEntry>.Create((a, b) => order.Compare(b, a)));

    public void Offer(in KernelEntry entry)
    {
        if (size == 0)
            return;
        if (_kept.Count < size)
            _kept.Enqueue(entry, entry);
        else if (order.Compare(entry, _kept.Peek()) < 0)
            _kept.EnqueueDequeue(entry, entry);
    }

    /// <summary>The entries kept, first first.</summary>
    public List<KernelEntry> Sorted()
    {
        var sorted = new List<KernelEntry>(_kept.Count);
        while (_kept.TryDequeue(out var entry, out _))
            sorted.Add(entry);
        sorted.Reverse();
        return sorted;
    }
}
