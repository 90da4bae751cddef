namespace RxTelnet;

/// <content>The limits the reading operators apply when none is given.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// The most data a reading operator buffers when no limit is given: 1 MiB (bytes, or chars for text operators).
    /// Going over it fails the stream with <see cref="TelnetBufferLimitExceededException"/>.
    /// </summary>
    public const int DefaultMaxBufferLength = 1024 * 1024;
}
