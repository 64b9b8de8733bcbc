namespace Conntrack.Monitor;

/// <summary>What the exposition reads of one watched namespace at a scrape: its label, why it is not watched (null while it is) and its latest snapshot.</summary>
internal sealed record WatchedNamespace(string Netns, string? Error, NamespaceSnapshot? Snapshot);
