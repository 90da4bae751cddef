namespace RxTelnet.IntegrationTests;

using System.Runtime.InteropServices;
using System.Text;

/// <summary>A pseudo-terminal pair: the test holds the master and plays the device; the served line opens the slave.</summary>
internal sealed class PseudoTerminal : IDisposable
{
    private readonly int _master;
    private readonly List<byte> _pending = [];

    private PseudoTerminal(int master, string devicePath)
    {
        _master = master;
        DevicePath = devicePath;
    }

    public string DevicePath { get; }

    public static PseudoTerminal Open()
    {
        var master = posix_openpt(0x2 | 0x100); // O_RDWR | O_NOCTTY
        Assert.That(master, Is.GreaterThanOrEqualTo(0), "posix_openpt");
        Assert.That(grantpt(master) == 0 && unlockpt(master) == 0, Is.True, "grantpt/unlockpt");
        var name = new byte[256];
        Assert.That(ptsname_r(master, name, name.Length), Is.Zero, "ptsname_r");
        return new PseudoTerminal(master, Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0)));
    }

    public void Write(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.That((int)write(_master, bytes, bytes.Length), Is.EqualTo(bytes.Length));
    }

    /// <summary>Reads from the master until <paramref name="end"/>, polling in 100 ms steps, at most <paramref name="timeout"/>.</summary>
    public async Task<string> ReadUntilAsync(string end, TimeSpan timeout, Task? client = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var buffer = new byte[1024];
        while (DateTime.UtcNow < deadline)
        {
            var text = Encoding.ASCII.GetString([.. _pending]);
            if (text.EndsWith(end, StringComparison.Ordinal))
            {
                return text;
            }

            if (client is { IsCompleted: true })
            {
                var (code, output, errors) = await (Task<(int, string, string)>)client;
                Assert.Fail($"the client ended first ({code}): {output} {errors}");
            }

            var fds = new PollFd { Fd = _master, Events = 1 };
            if (poll(ref fds, 1, 100) > 0)
            {
                var n = read(_master, buffer, buffer.Length);
                if (n > 0)
                {
                    _pending.AddRange(buffer.AsSpan(0, (int)n).ToArray());
                }
            }

            await Task.Yield();
        }

        Assert.Fail($"nothing ending in {end} came out of the tty in {timeout}: {Encoding.ASCII.GetString([.. _pending])}");
        return string.Empty;
    }

    public void Dispose() => close(_master);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ptsname_r(int fd, byte[] buffer, nint length);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollFd fds, nuint count, int timeout);

    [DllImport("libc")]
    private static extern int close(int fd);
}
