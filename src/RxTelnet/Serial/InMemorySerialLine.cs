namespace RxTelnet.Serial;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Options;

/// <summary>
/// A serial line in memory, for tests: it keeps the settings it is given, records what is written to it, and lets the
/// test play the far end (bytes arriving, line and modem state changing).
/// </summary>
public sealed class InMemorySerialLine : ISerialLine
{
    private readonly object _gate = new();
    private readonly Subject<byte[]> _received = new();
    private readonly Subject<byte[]> _written = new();
    private readonly Subject<ComPortLineState> _lineStates = new();
    private readonly Subject<ComPortModemState> _modemStates = new();
    private readonly HashSet<uint> _baudRates;
    private SerialControl _control = SerialControl.Default;
    private uint _baudRate = 9600;
    private byte _dataSize = 8;
    private ComPortParity _parity = ComPortParity.None;
    private ComPortStopSize _stopSize = ComPortStopSize.One;

    /// <summary>Creates the line at 9600 8N1, DTR and RTS on, no flow control.</summary>
    /// <param name="baudRates">The rates the line takes; any rate when null. A rate it does not take leaves the current one.</param>
    public InMemorySerialLine(IEnumerable<uint>? baudRates = null)
    {
        _baudRates = baudRates is null ? [] : [.. baudRates];
    }

    /// <inheritdoc/>
    public IObservable<byte[]> Received => _received.AsObservable();

    /// <inheritdoc/>
    public IObservable<ComPortLineState> LineStates => _lineStates.AsObservable();

    /// <inheritdoc/>
    public IObservable<ComPortModemState> ModemStates => _modemStates.AsObservable();

    /// <summary>Gets every chunk written to the line (hot): what the far end receives.</summary>
    public IObservable<byte[]> Written => _written.AsObservable();

    /// <summary>Gets the purges asked for, in order.</summary>
    public IReadOnlyList<ComPortPurge> Purges
    {
        get
        {
            lock (_gate)
            {
                return [.. PurgeLog];
            }
        }
    }

    /// <summary>Gets the current settings as <c>baud data parity stop</c>, for example <c>9600 8 None One</c>.</summary>
    public string Settings
    {
        get
        {
            lock (_gate)
            {
                return $"{_baudRate} {_dataSize} {_parity} {_stopSize}";
            }
        }
    }

    /// <summary>Gets whether DTR is on.</summary>
    public bool Dtr
    {
        get
        {
            lock (_gate)
            {
                return _control.Dtr;
            }
        }
    }

    private List<ComPortPurge> PurgeLog { get; } = [];

    /// <summary>Plays bytes arriving at the line from the far end.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public void Arrive(params byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _received.OnNext(data);
    }

    /// <summary>Plays a line state change.</summary>
    /// <param name="state">The new line state.</param>
    public void ChangeLineState(ComPortLineState state) => _lineStates.OnNext(state);

    /// <summary>Plays a modem state change.</summary>
    /// <param name="state">The new modem state.</param>
    public void ChangeModemState(ComPortModemState state) => _modemStates.OnNext(state);

    /// <inheritdoc/>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _written.OnNext(data.ToArray());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public uint SetBaudRate(uint baudRate)
    {
        lock (_gate)
        {
            if (baudRate != 0 && (_baudRates.Count == 0 || _baudRates.Contains(baudRate)))
            {
                _baudRate = baudRate;
            }

            return _baudRate;
        }
    }

    /// <inheritdoc/>
    public byte SetDataSize(byte dataSize)
    {
        lock (_gate)
        {
            if (dataSize is >= 5 and <= 8)
            {
                _dataSize = dataSize;
            }

            return _dataSize;
        }
    }

    /// <inheritdoc/>
    public ComPortParity SetParity(ComPortParity parity)
    {
        lock (_gate)
        {
            if (parity != ComPortParity.Request && Enum.IsDefined(parity))
            {
                _parity = parity;
            }

            return _parity;
        }
    }

    /// <inheritdoc/>
    public ComPortStopSize SetStopSize(ComPortStopSize stopSize)
    {
        lock (_gate)
        {
            if (stopSize != ComPortStopSize.Request && Enum.IsDefined(stopSize))
            {
                _stopSize = stopSize;
            }

            return _stopSize;
        }
    }

    /// <inheritdoc/>
    public ComPortControl SetControl(ComPortControl control)
    {
        lock (_gate)
        {
            return _control.Apply(control);
        }
    }

    /// <inheritdoc/>
    public void Purge(ComPortPurge purge)
    {
        lock (_gate)
        {
            PurgeLog.Add(purge);
        }
    }

    /// <summary>Closes the line: <see cref="Received"/> and the state streams complete.</summary>
    public void Dispose()
    {
        _received.OnCompleted();
        _lineStates.OnCompleted();
        _modemStates.OnCompleted();
        _written.OnCompleted();
    }
}
