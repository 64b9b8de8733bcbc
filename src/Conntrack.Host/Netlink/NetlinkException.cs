namespace Conntrack.Host.Netlink;

/// <summary>
/// The kernel refused a ctnetlink request or the socket failed: <see cref="ErrorNumber"/> is the errno and
/// the message is one line a user can act on (EPERM: "needs CAP_NET_ADMIN: run as root").
/// </summary>
public sealed class NetlinkException : IOException
{
    public NetlinkException(string message, int errorNumber) : base(message) => ErrorNumber = errorNumber;

    public NetlinkException()
    {
    }

    public NetlinkException(string message) : base(message)
    {
    }

    public NetlinkException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int ErrorNumber { get; }

    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int EINVAL = 22;
    internal const int EOPNOTSUPP = 95;
    internal const int EPROTONOSUPPORT = 93;

    /// <summary>The exception for an errno returned by <paramref name="operation"/> ("dump", "delete", "socket", …).</summary>
    public static NetlinkException For(string operation, int errno) => new(errno switch
    {
        EPERM => $"ctnetlink {operation}: needs CAP_NET_ADMIN: run as root",
        EPROTONOSUPPORT => $"ctnetlink {operation}: the kernel has no nfnetlink (CONFIG_NETFILTER_NETLINK)",
        ENOENT => $"ctnetlink {operation}: no such entry",
        EOPNOTSUPP => $"ctnetlink {operation}: not supported by this kernel (nf_conntrack_netlink loaded?)",
        _ => $"ctnetlink {operation}: {NativeNetlink.Describe(errno)}",
    }, errno);
}
