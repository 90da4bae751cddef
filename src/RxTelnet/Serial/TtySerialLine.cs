namespace RxTelnet.Serial;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using RxTelnet.Options;

/// <summary>
/// A serial line over a Linux tty device (a serial port such as <c>/dev/ttyS0</c>, or the far end of a pseudo-terminal):
/// raw mode, settings through termios (<c>tcgetattr</c>, <c>tcsetattr</c>, <c>cfsetspeed</c>), purges through
/// <c>tcflush</c>.
/// </summary>
/// <remarks>
/// Baud rates are the ones termios names (50 to 4,000,000); another rate leaves the current one. Mark and space parity
/// use <c>CMSPAR</c>. Outbound hardware flow control sets <c>CRTSCTS</c>, XON/XOFF sets <c>IXON</c> (outbound) and
/// <c>IXOFF</c> (inbound). A setting the device refuses leaves the current one, which is what is acknowledged: a
/// Linux pseudo-terminal, for one, keeps 8 data bits and no parity whatever is asked. DTR, RTS and BREAK are kept and acknowledged as set but not driven on the device, and no
/// line or modem state is reported. Reads run on a thread of their own that polls every 100 ms for the close.
/// </remarks>
[SupportedOSPlatform("linux")]
public sealed partial class TtySerialLine : ISerialLine
{
    private const string Libc = "libc";
    private const int ReadChunk = 4096;
    private const int TermiosSize = 128; // glibc's struct termios is 60 bytes; room to spare
    private const int CFlagOffset = 8;
    private const int IFlagOffset = 0;
    private const int CcOffset = 17;
    private const int VTime = 5;
    private const int VMin = 6;
    private const uint CSize = 0x30;
    private const uint CStopB = 0x40;
    private const uint ParEnb = 0x100;
    private const uint ParOdd = 0x200;
    private const uint CmsPar = 0x4000_0000;
    private const uint CrtsCts = 0x8000_0000;
    private const uint IxOn = 0x400;
    private const uint IxOff = 0x1000;

    private static readonly (uint Rate, uint Code)[] Speeds =
    [
        (50, 1), (75, 2), (110, 3), (134, 4), (150, 5), (200, 6), (300, 7), (600, 8), (1200, 9), (1800, 10), (2400, 11),
        (4800, 12), (9600, 13), (19200, 14), (38400, 15), (57600, 0x1001), (115200, 0x1002), (230400, 0x1003),
        (460800, 0x1004), (500000, 0x1005), (576000, 0x1006), (921600, 0x1007), (1000000, 0x1008), (1152000, 0x1009),
        (1500000, 0x100A), (2000000, 0x100B), (2500000, 0x100C), (3000000, 0x100D), (3500000, 0x100E), (4000000, 0x100F),
    ];

    private readonly object _gate = new();
    private readonly int _fd;
    private readonly Subject<byte[]> _received = new();
    private readonly Thread _reader;
    private SerialControl _control = SerialControl.Default;
    private volatile bool _closing;

    /// <summary>Opens <paramref name="path"/>, puts it in raw mode and starts reading.</summary>
    /// <param name="path">The tty device.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="IOException">The device cannot be opened or configured; the message names it and the errno.</exception>
    public TtySerialLine(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("TtySerialLine uses Linux termios.");
        }

        Path = path;
        _fd = Open(path, 0x2 | 0x100); // O_RDWR | O_NOCTTY
        if (_fd < 0)
        {
            throw Error($"open {path}");
        }

        var t = GetAttributes();
        MakeRaw(t);
        t[CcOffset + VMin] = 0;
        t[CcOffset + VTime] = 1; // a read returns after 100 ms without data, so the reader sees the close
        SetFlags(t, CFlagOffset, 0x80 | 0x800, 0); // CREAD | CLOCAL
        SetAttributes(t);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"TtySerialLine {path}" };
        _reader.Start();
    }

    /// <summary>Gets the device path.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public IObservable<byte[]> Received => _received.AsObservable();

    /// <inheritdoc/>
    public IObservable<ComPortLineState> LineStates => Observable.Never<ComPortLineState>();

    /// <inheritdoc/>
    public IObservable<ComPortModemState> ModemStates => Observable.Never<ComPortModemState>();

    /// <inheritdoc/>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var rest = data.Span;
            while (!rest.IsEmpty)
            {
                var n = Write(_fd, rest, rest.Length);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == 4)
                    {
                        continue; // EINTR
                    }

                    throw new IOException($"write {Path} failed: errno {errno}.");
                }

                rest = rest[(int)n..];
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public uint SetBaudRate(uint baudRate)
    {
        lock (_gate)
        {
            var t = GetAttributes();
            if (baudRate != 0 && Array.FindIndex(Speeds, s => s.Rate == baudRate) is var i and >= 0)
            {
                if (CfSetSpeed(t, Speeds[i].Code) != 0)
                {
                    throw Error($"cfsetspeed {baudRate} on {Path}");
                }

                TrySetAttributes(t);
                t = GetAttributes();
            }

            var code = CfGetOSpeed(t);
            return Array.Find(Speeds, s => s.Code == code).Rate;
        }
    }

    /// <inheritdoc/>
    public byte SetDataSize(byte dataSize)
    {
        lock (_gate)
        {
            var t = GetAttributes();
            if (dataSize is >= 5 and <= 8)
            {
                SetFlags(t, CFlagOffset, (uint)(dataSize - 5) << 4, CSize);
                TrySetAttributes(t);
                t = GetAttributes();
            }

            return (byte)(((Flags(t, CFlagOffset) & CSize) >> 4) + 5);
        }
    }

    /// <inheritdoc/>
    public ComPortParity SetParity(ComPortParity parity)
    {
        lock (_gate)
        {
            var t = GetAttributes();
            uint? bits = parity switch
            {
                ComPortParity.None => 0,
                ComPortParity.Odd => ParEnb | ParOdd,
                ComPortParity.Even => ParEnb,
                ComPortParity.Mark => ParEnb | CmsPar | ParOdd,
                ComPortParity.Space => ParEnb | CmsPar,
                _ => null,
            };
            if (bits is { } b)
            {
                SetFlags(t, CFlagOffset, b, ParEnb | ParOdd | CmsPar);
                TrySetAttributes(t);
                t = GetAttributes();
            }

            return (Flags(t, CFlagOffset) & (ParEnb | ParOdd | CmsPar)) switch
            {
                ParEnb | ParOdd => ComPortParity.Odd,
                ParEnb => ComPortParity.Even,
                ParEnb | CmsPar | ParOdd => ComPortParity.Mark,
                ParEnb | CmsPar => ComPortParity.Space,
                _ => ComPortParity.None,
            };
        }
    }

    /// <inheritdoc/>
    public ComPortStopSize SetStopSize(ComPortStopSize stopSize)
    {
        lock (_gate)
        {
            var t = GetAttributes();
            if (stopSize is ComPortStopSize.One or ComPortStopSize.Two)
            {
                SetFlags(t, CFlagOffset, stopSize == ComPortStopSize.Two ? CStopB : 0, CStopB);
                TrySetAttributes(t);
                t = GetAttributes();
            }

            // termios has no 1.5 stop bits: a request for them leaves the setting as it is.
            return (Flags(t, CFlagOffset) & CStopB) != 0 ? ComPortStopSize.Two : ComPortStopSize.One;
        }
    }

    /// <inheritdoc/>
    public ComPortControl SetControl(ComPortControl control)
    {
        lock (_gate)
        {
            var applied = _control.Apply(control);
            var t = GetAttributes();
            switch (control)
            {
                case ComPortControl.NoFlowControl or ComPortControl.XonXoffFlowControl or ComPortControl.HardwareFlowControl:
                    SetFlags(t, CFlagOffset, control == ComPortControl.HardwareFlowControl ? CrtsCts : 0, CrtsCts);
                    SetFlags(t, IFlagOffset, control == ComPortControl.XonXoffFlowControl ? IxOn : 0, IxOn);
                    SetAttributes(t);
                    break;
                case ComPortControl.NoInboundFlowControl or ComPortControl.XonXoffInboundFlowControl:
                    SetFlags(t, IFlagOffset, control == ComPortControl.XonXoffInboundFlowControl ? IxOff : 0, IxOff);
                    SetAttributes(t);
                    break;
            }

            return applied;
        }
    }

    /// <inheritdoc/>
    public void Purge(ComPortPurge purge)
    {
        lock (_gate)
        {
            // TCIFLUSH 0, TCOFLUSH 1, TCIOFLUSH 2.
            if (TcFlush(_fd, (int)purge - 1) != 0)
            {
                throw Error($"tcflush {purge} on {Path}");
            }
        }
    }

    /// <summary>Stops reading and closes the device; <see cref="Received"/> completes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
        }

        if (Thread.CurrentThread != _reader)
        {
            _reader.Join(TimeSpan.FromSeconds(2));
        }

        Close(_fd);
    }

    private static void MakeRaw(byte[] t) => CfMakeRaw(t);

    private static uint Flags(byte[] t, int offset) => BitConverter.ToUInt32(t, offset);

    private static void SetFlags(byte[] t, int offset, uint value, uint mask)
    {
        var flags = (Flags(t, offset) & ~mask) | value;
        if (mask == 0)
        {
            flags = Flags(t, offset) | value;
        }

        BitConverter.TryWriteBytes(t.AsSpan(offset), flags);
    }

    private IOException Error(string what) => new($"{what} failed: errno {Marshal.GetLastPInvokeError()}.");

    private byte[] GetAttributes()
    {
        var t = new byte[TermiosSize];
        if (TcGetAttr(_fd, t) != 0)
        {
            throw Error($"tcgetattr {Path}");
        }

        return t;
    }

    private void SetAttributes(byte[] t)
    {
        if (TcSetAttr(_fd, 0, t) != 0) // TCSANOW
        {
            throw Error($"tcsetattr {Path}");
        }
    }

    /// <summary>Applies what the device takes; a setting it refuses (a pseudo-terminal keeps 8 data bits and no parity) leaves the current one.</summary>
    private void TrySetAttributes(byte[] t) => _ = TcSetAttr(_fd, 0, t);

    private void ReadLoop()
    {
        var buffer = new byte[ReadChunk];
        Exception? error = null;
        while (!_closing)
        {
            var n = Read(_fd, buffer, buffer.Length);
            if (n > 0)
            {
                _received.OnNext(buffer.AsSpan(0, (int)n).ToArray());
            }
            else if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is 4 or 11)
                {
                    continue; // EINTR, EAGAIN
                }

                // EIO: the other end of a pseudo-terminal closed; anything else ends the line too.
                if (errno != 5)
                {
                    error = new IOException($"read {Path} failed: errno {errno}.");
                }

                break;
            }
        }

        if (error is null)
        {
            _received.OnCompleted();
        }
        else
        {
            _received.OnError(error);
        }
    }

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, Span<byte> buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, Span<byte> termios);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, ReadOnlySpan<byte> termios);

    [LibraryImport(Libc, EntryPoint = "tcflush", SetLastError = true)]
    private static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport(Libc, EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(Span<byte> termios);

    [LibraryImport(Libc, EntryPoint = "cfsetspeed", SetLastError = true)]
    private static partial int CfSetSpeed(Span<byte> termios, uint speed);

    [LibraryImport(Libc, EntryPoint = "cfgetospeed")]
    private static partial uint CfGetOSpeed(ReadOnlySpan<byte> termios);
}
