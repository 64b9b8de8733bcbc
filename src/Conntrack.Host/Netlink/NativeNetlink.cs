using System.Runtime.InteropServices;

namespace Conntrack.Host.Netlink;

/// <summary>The libc calls a netlink socket and a namespace switch need (nothing else is native).</summary>
internal static partial class NativeNetlink
{
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;
    public const int SolSocket = 1;
    public const int SoRcvbuf = 8;
    public const int SoRcvbufForce = 33;
    public const int SoMeminfo = 55;
    public const int SolNetlink = 270;
    public const int NetlinkAddMembership = 1;
    public const int MsgTrunc = 0x20;
    public const int MsgDontWait = 0x40;
    public const int CloneNewNet = 0x40000000;
    public const int OpenReadOnlyCloexec = 0x80000;
    public const short PollIn = 0x001;

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOBUFS = 105;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, in SockaddrNl address, int length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, out SockaddrNl address, ref int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, in int value, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static unsafe partial int GetSockOpt(int fd, int level, int name, void* value, ref int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int type);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
