namespace Conntrack.Host.Netlink;

/// <summary>
/// An AF_NETLINK/NETLINK_NETFILTER socket. It belongs to the network namespace of the thread that created
/// it, for its whole life, whichever thread uses it later: <see cref="NetnsTarget"/> creates it on a
/// dedicated thread that entered the namespace. Not thread-safe: one request at a time.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private int _fd;

    private NetlinkSocket(int fd, uint portId)
    {
        _fd = fd;
        PortId = portId;
    }

    /// <summary>The port id the kernel gave this socket (the nlmsg_pid of its replies).</summary>
    public uint PortId { get; }

    /// <summary>A socket in the calling thread's namespace, bound to <paramref name="groups"/> (bit g−1 for group g).</summary>
    public static NetlinkSocket Create(uint groups = 0)
    {
        int fd = NativeNetlink.Socket(Ctnl.AfNetlink, NativeNetlink.SockRaw | NativeNetlink.SockCloexec, Ctnl.NetlinkNetfilter);
        if (fd < 0)
            throw NetlinkException.For("socket", NativeNetlink.LastError);
        var address = new NativeNetlink.SockaddrNl { Family = Ctnl.AfNetlink, Groups = groups };
        int length = 12;
        if (NativeNetlink.Bind(fd, address, 12) != 0 || NativeNetlink.GetSockName(fd, out address, ref length) != 0)
        {
            int errno = NativeNetlink.LastError;
            NativeNetlink.Close(fd);
            throw NetlinkException.For(groups != 0 ? "event subscription" : "bind", errno);
        }
        return new NetlinkSocket(fd, address.PortId);
    }

    /// <summary>Sets the receive queue size: SO_RCVBUFFORCE (root, ignores net.core.rmem_max), else SO_RCVBUF. Returns the size read back.</summary>
    public int SetReceiveBuffer(int bytes)
    {
        if (NativeNetlink.SetSockOpt(_fd, NativeNetlink.SolSocket, NativeNetlink.SoRcvbufForce, bytes, sizeof(int)) != 0)
            NativeNetlink.SetSockOpt(_fd, NativeNetlink.SolSocket, NativeNetlink.SoRcvbuf, bytes, sizeof(int));
        return ReceiveBuffer;
    }

    /// <summary>The receive queue size as the kernel reports it (twice what was asked: the kernel doubles it for overhead).</summary>
    public unsafe int ReceiveBuffer
    {
        get
        {
            int value = 0, length = sizeof(int);
            return NativeNetlink.GetSockOpt(_fd, NativeNetlink.SolSocket, NativeNetlink.SoRcvbuf, &value, ref length) == 0 ? value : 0;
        }
    }

    /// <summary>Messages the kernel dropped because the queue was full (SK_MEMINFO_DROPS of SO_MEMINFO).</summary>
    public unsafe long Drops
    {
        get
        {
            const int DropsIndex = 8;
            uint* info = stackalloc uint[16];
            int length = 16 * sizeof(uint);
            return NativeNetlink.GetSockOpt(_fd, NativeNetlink.SolSocket, NativeNetlink.SoMeminfo, info, ref length) == 0 && length > DropsIndex * 4 ? info[DropsIndex] : 0;
        }
    }

    public unsafe void Send(ReadOnlySpan<byte> message, string operation)
    {
        fixed (byte* p = message)
        {
            while (true)
            {
                nint sent = NativeNetlink.Send(_fd, p, message.Length, 0);
                if (sent == message.Length)
                    return;
                int errno = NativeNetlink.LastError;
                if (sent < 0 && errno == NativeNetlink.EINTR)
                    continue;
                throw NetlinkException.For(operation, sent < 0 ? errno : NativeNetlink.ENOBUFS);
            }
        }
    }

    /// <summary>
    /// One datagram into <paramref name="buffer"/>: its length; 0 when <paramref name="timeoutMs"/> (≥ 0) passed
    /// without one; -<see cref="NativeNetlink.ENOBUFS"/> when the kernel dropped messages for a full queue.
    /// </summary>
    public unsafe int Receive(Span<byte> buffer, int timeoutMs, string operation)
    {
        while (true)
        {
            if (timeoutMs >= 0)
            {
                var poll = new NativeNetlink.PollFd { Fd = _fd, Events = NativeNetlink.PollIn };
                int ready = NativeNetlink.Poll(ref poll, 1, timeoutMs);
                if (ready == 0)
                    return 0;
                if (ready < 0 && NativeNetlink.LastError == NativeNetlink.EINTR)
                    continue;
            }
            nint length;
            fixed (byte* p = buffer)
                length = NativeNetlink.Recv(_fd, p, buffer.Length, NativeNetlink.MsgTrunc);
            if (length > buffer.Length)
                throw new NetlinkException($"ctnetlink {operation}: a {length}-byte message does not fit the {buffer.Length}-byte receive buffer", NativeNetlink.ENOBUFS);
            if (length >= 0)
                return (int)length;
            int errno = NativeNetlink.LastError;
            if (errno == NativeNetlink.EINTR)
                continue;
            if (errno == NativeNetlink.ENOBUFS)
                return -NativeNetlink.ENOBUFS;
            if (errno == NativeNetlink.EAGAIN && timeoutMs >= 0)
                return 0;
            throw NetlinkException.For(operation, errno);
        }
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
            NativeNetlink.Close(fd);
    }
}
