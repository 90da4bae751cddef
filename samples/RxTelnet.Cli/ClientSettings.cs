namespace RxTelnet.Cli;

/// <summary>What the command line asked for, after validation.</summary>
public sealed record ClientSettings
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public bool Tls { get; init; }

    /// <summary>Gets whether to upgrade the plain connection with START-TLS (option 46) right after connecting.</summary>
    public bool StartTls { get; init; }

    public bool Insecure { get; init; }

    public string? LogFile { get; init; }

    public string? ScriptFile { get; init; }

    public bool Demo { get; init; }

    /// <summary>Gets how long a script step waits for its pattern, and how long line mode waits for the server after input ends.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string Endpoint => $"{Host}:{Port}" + (Tls ? " (TLS)" : StartTls ? " (START-TLS)" : string.Empty);
}
