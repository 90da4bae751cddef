namespace RxTelnet;

/// <summary>The base of every error RxTelnet raises about a connection or its data (not argument errors).</summary>
public class TelnetException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TelnetException()
        : base("A Telnet error occurred.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public TelnetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TelnetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The connection was closed and no cooked data is left to read: telnetlib's <c>EOFError("telnet connection closed")</c>.
/// </summary>
public class TelnetEofException : TelnetException
{
    /// <summary>Creates the exception with telnetlib's message.</summary>
    public TelnetEofException()
        : base("telnet connection closed")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public TelnetEofException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TelnetEofException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A buffer reached its configured limit (cooked queue, line length, pending data of a read).</summary>
public class TelnetBufferLimitExceededException : TelnetException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TelnetBufferLimitExceededException()
        : base("A buffer limit was exceeded.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the limit.</param>
    public TelnetBufferLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TelnetBufferLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a named limit.</summary>
    /// <param name="limitName">The option that sets the limit.</param>
    /// <param name="limit">The limit in bytes.</param>
    public TelnetBufferLimitExceededException(string limitName, long limit)
        : base($"{limitName} ({limit} bytes) was exceeded.")
    {
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>Creates the exception for a named limit, with the size that went past it.</summary>
    /// <param name="limitName">The option that sets the limit.</param>
    /// <param name="limit">The limit in bytes.</param>
    /// <param name="attempted">The size in bytes that would have been held.</param>
    public TelnetBufferLimitExceededException(string limitName, long limit, long attempted)
        : base($"{limitName} ({limit} bytes) was exceeded: {attempted} bytes would have been held.")
    {
        LimitName = limitName;
        Limit = limit;
        Attempted = attempted;
    }

    /// <summary>Gets the name of the limit that was exceeded, when known.</summary>
    public string? LimitName { get; }

    /// <summary>Gets the limit in bytes, when known.</summary>
    public long Limit { get; }

    /// <summary>Gets the size in bytes that went past the limit, when known (0 otherwise).</summary>
    public long Attempted { get; }
}

/// <summary>An operation needs an open connection and the connection is closed, or was never opened.</summary>
public class TelnetClosedException : TelnetException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TelnetClosedException()
        : base("The Telnet connection is closed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public TelnetClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TelnetClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A step of a conversation (<see cref="TelnetConversation"/>) did not get what it waited for within its timeout. The
/// bytes it looked at stay unread, for the next step.
/// </summary>
public class TelnetTimeoutException : TelnetException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TelnetTimeoutException()
        : base("The wait timed out.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was awaited, and for how long.</param>
    public TelnetTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was awaited.</param>
    /// <param name="innerException">The cause.</param>
    public TelnetTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a step that waited <paramref name="timeout"/> for <paramref name="awaited"/>.</summary>
    /// <param name="awaited">What the step waited for, in words (for example <c>"login: "</c>).</param>
    /// <param name="timeout">How long it waited.</param>
    /// <param name="unread">How many bytes were buffered and unread when it gave up.</param>
    public TelnetTimeoutException(string awaited, TimeSpan timeout, int unread)
        : base($"Waited {timeout.TotalSeconds:0.###} s for {awaited}; {unread} bytes arrived and stay unread.")
    {
        Awaited = awaited;
        Timeout = timeout;
        Unread = unread;
    }

    /// <summary>Gets what the step waited for, in words, when known.</summary>
    public string? Awaited { get; }

    /// <summary>Gets how long the step waited, when known.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Gets how many bytes were buffered and unread when the step gave up (they stay for the next step).</summary>
    public int Unread { get; }
}

/// <summary>
/// A subnegotiation was to be sent for an option that is not agreed on either side: the negotiation refused it, was
/// never started, or did not settle in time.
/// </summary>
public class TelnetOptionNotAgreedException : TelnetException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TelnetOptionNotAgreedException()
        : base("The option is not agreed on either side.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public TelnetOptionNotAgreedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public TelnetOptionNotAgreedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an option.</summary>
    /// <param name="option">The option (a byte; <see cref="Protocol.TelnetOption"/> names the known ones).</param>
    /// <param name="why">Why it is not agreed, in words.</param>
    public TelnetOptionNotAgreedException(Protocol.TelnetOption option, string why)
        : base($"Option {(byte)option} ({option}) is not agreed on either side: {why}. Nothing was sent.")
    {
        Option = option;
    }

    /// <summary>Gets the option, when known.</summary>
    public Protocol.TelnetOption? Option { get; }
}
