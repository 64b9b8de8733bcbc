namespace Conntrack.Host.Logs;

/// <summary>Which network namespace printed a table-full line, from its netns tag (6.17+ tags lines outside the initial netns).</summary>
public static class LogNetns
{
    /// <summary>Whether a line with this tag (0: untagged) was printed for the namespace with <paramref name="inode"/>.</summary>
    /// <param name="tag">The line's netns tag; 0 when untagged.</param>
    /// <param name="inode">The namespace's inode (null: unknown).</param>
    /// <param name="initial">Whether that namespace is the initial one (null: unknown).</param>
    /// <param name="kernelTagsNetns">Whether this kernel tags lines with their netns (6.17+, or a tagged line was seen).</param>
    public static bool Owns(long tag, long? inode, bool? initial, bool kernelTagsNetns) => tag != 0
        ? inode is long self && tag == self
        // Untagged: the initial netns on 6.17+; on older kernels (no tags anywhere) any netns.
        : initial != false || !kernelTagsNetns;

    /// <summary>The inode in a namespace link such as <c>/proc/1/ns/net</c> ("net:[4026531840]"); the link is read, never followed.</summary>
    public static long? InodeOfLink(string link) => NetworkNamespace.LinkInode(link);
}
