namespace RxTelnet;

using RxTelnet.Options;

/// <summary>An RFC 2217 access server did not answer a COM-PORT-OPTION command within the reply timeout.</summary>
public class ComPortTimeoutException : TelnetTimeoutException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ComPortTimeoutException()
        : base("The access server did not answer the COM-PORT-OPTION command in time.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not answered.</param>
    public ComPortTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not answered.</param>
    /// <param name="innerException">The cause.</param>
    public ComPortTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a command and its value.</summary>
    /// <param name="command">The command that was not answered.</param>
    /// <param name="request">The command and its value in words, for example <c>SET-BAUDRATE 9600</c>.</param>
    /// <param name="timeout">How long the call waited.</param>
    public ComPortTimeoutException(ComPortCommand command, string request, TimeSpan timeout)
        : base($"The access server did not answer {request} within {timeout.TotalSeconds:0.#######} s.")
    {
        Command = command;
        Request = request;
        ReplyTimeout = timeout;
    }

    /// <summary>Gets the command that was not answered, when known.</summary>
    public ComPortCommand? Command { get; }

    /// <summary>Gets the command and its value in words, when known.</summary>
    public string? Request { get; }

    /// <summary>Gets how long the call waited, when known.</summary>
    public TimeSpan ReplyTimeout { get; }
}
