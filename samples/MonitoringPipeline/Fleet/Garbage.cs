namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

/// <summary>Random noise for replies: bytes that break a line, and Telnet commands the parser must strip.</summary>
internal static class Garbage
{
    private const byte Iac = 255;

    /// <summary>
    /// Random data bytes: never CR or LF (so line structure survives), never NUL, and the first is always outside ASCII,
    /// so a line holding them can never pass for a counter line.
    /// </summary>
    public static byte[] Bytes(Random random, int minLength, int maxLength)
    {
        var bytes = new byte[random.Next(minLength, maxLength + 1)];
        bytes[0] = (byte)random.Next(0x80, 0x100);
        for (var i = 1; i < bytes.Length; i++)
        {
            byte b;
            do
            {
                b = (byte)random.Next(1, 0x100);
            }
            while (b is (byte)'\r' or (byte)'\n');
            bytes[i] = b;
        }

        return bytes;
    }

    /// <summary>A complete stray command on the wire: the receiver's parser takes it out of the data.</summary>
    public static byte[] StrayCommand(Random random)
    {
        var option = (byte)random.Next(0, 50);
        return random.Next(8) switch
        {
            0 => [Iac, 241],                     // NOP
            1 => [Iac, 249],                     // GA
            2 => [Iac, 251, option],             // WILL
            3 => [Iac, 252, option],             // WONT
            4 => [Iac, 253, option],             // DO
            5 => [Iac, 254, option],             // DONT
            6 => [Iac, 250, option, (byte)random.Next(0, 255), (byte)random.Next(0, 255), Iac, 240], // SB ... SE
            _ => [Iac, 242],                     // DM
        };
    }
}
