using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Conntrack.Host.Netlink;

/// <summary>
/// A network namespace to talk to: by name (<c>/run/netns/NAME</c>, as <c>ip netns</c> makes them), by process
/// (<c>/proc/PID/ns/net</c>) or by path. <see cref="Enter{T}"/> runs code on a fresh thread that has
/// called <c>setns(CLONE_NEWNET)</c>, so the caller's threads never change namespace; sockets created
/// there stay in that namespace for their whole life.
/// </summary>
public sealed class NetnsTarget
{
    private NetnsTarget(string path, string description)
    {
        Path = path;
        Description = description;
    }

    public string Path { get; }

    /// <summary>How the user named it: "netns NAME", "pid 1234", or the path.</summary>
    public string Description { get; }

    public static NetnsTarget Named(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"netns name '{name}': expected a name from 'ip netns list' (no '/')", nameof(name));
        return new NetnsTarget("/run/netns/" + name, "netns " + name);
    }

    public static NetnsTarget OfProcess(int pid)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "a process id is positive");
        return new NetnsTarget(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/ns/net"), string.Create(CultureInfo.InvariantCulture, $"pid {pid}"));
    }

    public static NetnsTarget AtPath(string path) => new(path, path);

    /// <summary>Runs <paramref name="action"/> inside the namespace on a dedicated thread and returns its result (or rethrows its exception).</summary>
    /// <exception cref="IOException">The namespace cannot be opened or entered (one line naming it and why).</exception>
    public T Enter<T>(Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Join();
                result = action();
            }
#pragma warning disable CA1031 // Carried to the calling thread and rethrown there.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = "netns " + Description };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private void Join()
    {
        int fd = NativeNetlink.Open(Path, NativeNetlink.OpenReadOnlyCloexec);
        if (fd < 0)
        {
            int errno = NativeNetlink.LastError;
            throw new IOException(errno == 2
                ? $"{Description}: no such network namespace ({Path})"
                : $"{Description}: cannot open {Path}: {NativeNetlink.Describe(errno)}");
        }
        try
        {
            if (NativeNetlink.SetNs(fd, NativeNetlink.CloneNewNet) != 0)
            {
                int errno = NativeNetlink.LastError;
                throw new IOException(errno switch
                {
                    1 => $"{Description}: entering a namespace needs CAP_SYS_ADMIN: run as root",
                    22 => $"{Description}: {Path} is not a network namespace",
                    _ => $"{Description}: setns: {NativeNetlink.Describe(errno)}",
                });
            }
        }
        finally
        {
            NativeNetlink.Close(fd);
        }
    }

    public override string ToString() => Description;
}
