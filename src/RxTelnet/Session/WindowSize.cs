namespace RxTelnet.Session;

/// <summary>A terminal window size in characters, as NAWS (RFC 1073) reports it.</summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct WindowSize(ushort Width, ushort Height);
