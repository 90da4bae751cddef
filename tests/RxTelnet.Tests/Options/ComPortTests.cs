namespace RxTelnet.Tests.Options;

using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class ComPortTests
{
    private static IEnumerable<TestCaseData> Encodings()
    {
        yield return Case("SetBaudRate 9600", ComPort.EncodeSetBaudRate(9600), 1, 0, 0, 0x25, 0x80);
        yield return Case("SetBaudRate 115200 from server", ComPort.EncodeSetBaudRate(115200, fromServer: true), 101, 0, 0x01, 0xC2, 0x00);
        yield return Case("SetBaudRate request", ComPort.EncodeSetBaudRate(0), 1, 0, 0, 0, 0);
        yield return Case("SetDataSize 8", ComPort.EncodeSetDataSize(8), 2, 8);
        yield return Case("SetDataSize request", ComPort.EncodeSetDataSize(0), 2, 0);
        yield return Case("SetParity Even", ComPort.EncodeSetParity(ComPortParity.Even), 3, 3);
        yield return Case("SetParity Space from server", ComPort.EncodeSetParity(ComPortParity.Space, true), 103, 5);
        yield return Case("SetStopSize 1.5", ComPort.EncodeSetStopSize(ComPortStopSize.OnePointFive), 4, 3);
        yield return Case("SetControl DTR on", ComPort.EncodeSetControl(ComPortControl.DtrOn), 5, 8);
        yield return Case("SetControl DSR flow", ComPort.EncodeSetControl(ComPortControl.DsrFlowControl), 5, 19);
        yield return Case("NotifyLineState", ComPort.EncodeNotifyLineState(ComPortLineState.DataReady | ComPortLineState.BreakDetect), 106, 17);
        yield return Case("NotifyModemState", ComPort.EncodeNotifyModemState(ComPortModemState.ClearToSend | ComPortModemState.ReceiveLineSignalDetect), 107, 144);
        yield return Case("FlowControlSuspend", ComPort.EncodeFlowControlSuspend(), 8);
        yield return Case("FlowControlResume from server", ComPort.EncodeFlowControlResume(true), 109);
        yield return Case("SetLineStateMask", ComPort.EncodeSetLineStateMask(ComPortLineState.TimeoutError), 10, 128);
        yield return Case("SetModemStateMask", ComPort.EncodeSetModemStateMask(ComPortModemState.RingIndicator), 11, 64);
        yield return Case("PurgeData both", ComPort.EncodePurgeData(ComPortPurge.Both), 12, 3);
        yield return Case("Signature", ComPort.EncodeSignature("Acme 1.0"), Wire.Bytes(0, "Acme 1.0"));
        yield return Case("Signature request from server", ComPort.EncodeSignature(string.Empty, true), 100);

        static TestCaseData Case(string name, byte[] actual, params object[] expected) =>
            new TestCaseData(actual, expected.Length == 1 && expected[0] is byte[] bytes ? bytes : Wire.Bytes(expected)).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Encodings))]
    public void Encode_EachCommand_BytesAreExactAndRoundTrip(byte[] actual, byte[] expected)
    {
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(ComPort.TryParse(Wire.RoundTrip(TelnetOption.ComPortOption, actual), out var message), Is.True);
        Assert.That(ComPort.Encode(message), Is.EqualTo(expected), "parse then encode gives the same bytes");
    }

    [Test]
    public void EncodeSetBaudRate_ByteOf255_IsDoubledOnTheWireOnly()
    {
        var payload = ComPort.EncodeSetBaudRate(0x0000FF00);

        Assert.That(payload, Is.EqualTo(new byte[] { 1, 0, 0, 255, 0 }));
        Assert.That(Wire.Frame(TelnetOption.ComPortOption, payload), Is.EqualTo(new byte[] { 255, 250, 44, 1, 0, 0, 255, 255, 0, 255, 240 }));
    }

    [Test]
    public void TryParse_TypedAccessors_ReadTheValue()
    {
        Assert.That(ComPort.TryParse(new byte[] { 101, 0, 0x01, 0xC2, 0x00 }, out var baud), Is.True);
        Assert.That(baud, Is.EqualTo(new ComPortMessage(ComPortCommand.SetBaudRate, true, 115200)));
        Assert.That(baud.BaudRate, Is.EqualTo(115200u));

        Assert.That(ComPort.TryParse(new byte[] { 3, 2 }, out var parity) && parity.Parity == ComPortParity.Odd, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 4, 2 }, out var stop) && stop.StopSize == ComPortStopSize.Two, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 2, 7 }, out var size) && size.DataSize == 7, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 105, 12 }, out var control) && control.Control == ComPortControl.RtsOff && control.FromServer, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 106, 0xFF }, out var line) && line.LineState == (ComPortLineState)0xFF, Is.True, "every bit set is valid");
        Assert.That(ComPort.TryParse(new byte[] { 107, 1 }, out var modem) && modem.ModemState == ComPortModemState.DeltaClearToSend, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 112, 1 }, out var purge) && purge.Purge == ComPortPurge.ReceiveBuffer, Is.True);
        Assert.That(ComPort.TryParse(Wire.Bytes(100, "Srv \u00E9"), out var signature) && signature.Signature == "Srv \u00E9", Is.True);
    }

    [TestCase(new byte[0], TestName = "TryParse_Empty_ReturnsFalse")]
    [TestCase(new byte[] { 13, 0 }, TestName = "TryParse_ClientCode13_ReturnsFalse")]
    [TestCase(new byte[] { 99, 0 }, TestName = "TryParse_Code99_ReturnsFalse")]
    [TestCase(new byte[] { 113, 0 }, TestName = "TryParse_ServerCode113_ReturnsFalse")]
    [TestCase(new byte[] { 1, 0, 0, 0 }, TestName = "TryParse_ShortBaudRate_ReturnsFalse")]
    [TestCase(new byte[] { 1, 0, 0, 0, 0, 0 }, TestName = "TryParse_LongBaudRate_ReturnsFalse")]
    [TestCase(new byte[] { 2 }, TestName = "TryParse_MissingValue_ReturnsFalse")]
    [TestCase(new byte[] { 3, 1, 1 }, TestName = "TryParse_ExtraValue_ReturnsFalse")]
    [TestCase(new byte[] { 2, 4 }, TestName = "TryParse_DataSize4_ReturnsFalse")]
    [TestCase(new byte[] { 2, 9 }, TestName = "TryParse_DataSize9_ReturnsFalse")]
    [TestCase(new byte[] { 3, 6 }, TestName = "TryParse_UnknownParity_ReturnsFalse")]
    [TestCase(new byte[] { 4, 4 }, TestName = "TryParse_UnknownStopSize_ReturnsFalse")]
    [TestCase(new byte[] { 5, 20 }, TestName = "TryParse_UnknownControl_ReturnsFalse")]
    [TestCase(new byte[] { 12, 0 }, TestName = "TryParse_PurgeZero_ReturnsFalse")]
    [TestCase(new byte[] { 12, 4 }, TestName = "TryParse_PurgeFour_ReturnsFalse")]
    [TestCase(new byte[] { 8, 0 }, TestName = "TryParse_SuspendWithData_ReturnsFalse")]
    public void TryParse_Malformed(byte[] payload)
    {
        Assert.That(ComPort.TryParse(payload, out var message), Is.False);
        Assert.That(message, Is.EqualTo(default(ComPortMessage)));
    }

    [Test]
    public void Encoders_InvalidArguments_ThrowNamingTheParameter()
    {
        Assert.That(() => ComPort.EncodeSetDataSize(4), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("dataSize"));
        Assert.That(() => ComPort.EncodeSetParity((ComPortParity)9), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("parity"));
        Assert.That(() => ComPort.EncodeSetStopSize((ComPortStopSize)4), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("stopSize"));
        Assert.That(() => ComPort.EncodeSetControl((ComPortControl)20), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("control"));
        Assert.That(() => ComPort.EncodePurgeData((ComPortPurge)0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("purge"));
        Assert.That(() => ComPort.EncodeSignature(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
        Assert.That(() => ComPort.Encode(new ComPortMessage(ComPortCommand.SetParity, false, 9)), Throws.ArgumentException.With.Property("ParamName").EqualTo("message"));
        Assert.That(() => ComPort.Encode(new ComPortMessage(ComPortCommand.SetControl, false, 300)), Throws.ArgumentException.With.Property("ParamName").EqualTo("message"));
        Assert.That(() => ComPort.Encode(new ComPortMessage((ComPortCommand)13, false, 0)), Throws.ArgumentException.With.Property("ParamName").EqualTo("message"));
    }

    [TestCase((byte)5)]
    [TestCase((byte)6)]
    [TestCase((byte)8)]
    public void DataSize_FiveToEight_EncodeAndParse(byte size)
    {
        Assert.That(ComPort.EncodeSetDataSize(size), Is.EqualTo(new byte[] { 2, size }));
        Assert.That(ComPort.TryParse(new byte[] { 102, size }, out var message), Is.True);
        Assert.That((message.Command, message.FromServer, message.DataSize), Is.EqualTo((ComPortCommand.SetDataSize, true, size)));
    }

    [TestCase((byte)1)]
    [TestCase((byte)9)]
    [TestCase((byte)255)]
    public void DataSize_OutsideFiveToEight_IsRefused(byte size)
    {
        Assert.That(() => ComPort.EncodeSetDataSize(size), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ActualValue").EqualTo(size));
        Assert.That(ComPort.TryParse(new byte[] { 2, size }, out _), Is.False);
        Assert.That(() => ComPort.Encode(new ComPortMessage(ComPortCommand.SetDataSize, false, size)), Throws.ArgumentException.With.Property("ParamName").EqualTo("message"));
    }

    [Test]
    public void Encode_Message_EachKindGoesToItsEncoder()
    {
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.Signature, false, 0)), Is.EqualTo(new byte[] { 0 }), "a signature without text asks for the peer's");
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.Signature, true, 0, "S")), Is.EqualTo(Wire.Bytes(100, "S")));
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.SetBaudRate, false, 0x01020304)), Is.EqualTo(new byte[] { 1, 1, 2, 3, 4 }));
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.FlowControlSuspend, true, 0)), Is.EqualTo(new byte[] { 108 }));
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.FlowControlResume, false, 0)), Is.EqualTo(new byte[] { 9 }));
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.NotifyLineState, true, 255)), Is.EqualTo(new byte[] { 106, 255 }), "255 is the largest one-byte value");
        Assert.That(ComPort.Encode(new ComPortMessage(ComPortCommand.SetModemStateMask, false, 0)), Is.EqualTo(new byte[] { 11, 0 }));
        Assert.That(() => ComPort.Encode(new ComPortMessage(ComPortCommand.NotifyModemState, true, 256)), Throws.ArgumentException.With.Message.Contains("NotifyModemState with value 256"));
    }

    [Test]
    public void Encoders_FromServer_AddTheOffset_AndClientsDoNot()
    {
        Assert.That(ComPort.EncodeSignature("x", fromServer: true)[0], Is.EqualTo(100));
        Assert.That(ComPort.EncodeSetDataSize(7, fromServer: true), Is.EqualTo(new byte[] { 102, 7 }));
        Assert.That(ComPort.EncodeSetStopSize(ComPortStopSize.One, fromServer: true), Is.EqualTo(new byte[] { 104, 1 }));
        Assert.That(ComPort.EncodeSetControl(ComPortControl.RequestFlowControl, fromServer: true), Is.EqualTo(new byte[] { 105, 0 }));
        Assert.That(ComPort.EncodeFlowControlSuspend(fromServer: true), Is.EqualTo(new byte[] { 108 }));
        Assert.That(ComPort.EncodeFlowControlResume(), Is.EqualTo(new byte[] { 9 }));
        Assert.That(ComPort.EncodeSetLineStateMask(ComPortLineState.DataReady, fromServer: true), Is.EqualTo(new byte[] { 110, 1 }));
        Assert.That(ComPort.EncodeSetModemStateMask(ComPortModemState.None, fromServer: true), Is.EqualTo(new byte[] { 111, 0 }));
        Assert.That(ComPort.EncodePurgeData(ComPortPurge.ReceiveBuffer, fromServer: true), Is.EqualTo(new byte[] { 112, 1 }));
        Assert.That(ComPort.EncodeSetParity(ComPortParity.Request), Is.EqualTo(new byte[] { 3, 0 }));
    }

    [Test]
    public void TryParse_EdgeCodes_ClientAndServer()
    {
        Assert.That(ComPort.TryParse(new byte[] { 0 }, out var signature) && signature == new ComPortMessage(ComPortCommand.Signature, false, 0, string.Empty), Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 12, 3 }, out var purge) && purge == new ComPortMessage(ComPortCommand.PurgeData, false, 3), Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 112, 2 }, out var server) && server.FromServer && server.Purge == ComPortPurge.TransmitBuffer, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 109 }, out var resume) && resume == new ComPortMessage(ComPortCommand.FlowControlResume, true, 0), Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 9, 0 }, out _), Is.False, "RESUME carries no value");
        Assert.That(ComPort.TryParse(new byte[] { 5, 19 }, out var dsr) && dsr.Control == ComPortControl.DsrFlowControl, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 4, 0 }, out var stop) && stop.StopSize == ComPortStopSize.Request, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 3, 5 }, out var parity) && parity.Parity == ComPortParity.Space, Is.True);
        Assert.That(ComPort.TryParse(new byte[] { 10 }, out _), Is.False, "a mask needs its byte");
        Assert.That(ComPort.TryParse(new byte[] { 255, 0 }, out _), Is.False);
    }

    [Test]
    public void Encoders_UndefinedEnumValues_MessageNamesTheValueAndType()
    {
        Assert.That(() => ComPort.EncodeSetParity((ComPortParity)9), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("9 is not an RFC 2217 ComPortParity value"));
        Assert.That(() => ComPort.EncodeSetDataSize(4), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("5 to 8"));
    }

    [Test]
    public void TimeoutException_Constructors_KeepWhatTheyAreGiven()
    {
        var plain = new ComPortTimeoutException();
        Assert.That(plain.Message, Does.Contain("did not answer the COM-PORT-OPTION command in time"));
        Assert.That((plain.Command, plain.Request, plain.ReplyTimeout), Is.EqualTo(((ComPortCommand?)null, (string?)null, TimeSpan.Zero)));
        Assert.That(plain, Is.InstanceOf<TelnetTimeoutException>());

        Assert.That(new ComPortTimeoutException("m").Message, Is.EqualTo("m"));
        var inner = new InvalidOperationException("inner");
        var wrapped = new ComPortTimeoutException("w", inner);
        Assert.That((wrapped.Message, wrapped.InnerException), Is.EqualTo(("w", (Exception)inner)));

        var specific = new ComPortTimeoutException(ComPortCommand.SetBaudRate, "SET-BAUDRATE 9600", TimeSpan.FromMilliseconds(1500));
        Assert.That(specific.Message, Is.EqualTo("The access server did not answer SET-BAUDRATE 9600 within 1.5 s."));
        Assert.That((specific.Command, specific.Request, specific.ReplyTimeout), Is.EqualTo(((ComPortCommand?)ComPortCommand.SetBaudRate, "SET-BAUDRATE 9600", TimeSpan.FromSeconds(1.5))));
    }

    [Test]
    public void EncodeSignature_LoneSurrogate_RefusedNamingTheText()
    {
        var error = Assert.Throws<ArgumentException>(() => ComPort.EncodeSignature("rx" + (char)0xD800));
        Assert.That(error!.ParamName, Is.EqualTo("text"));
        Assert.That(error.Message, Does.Contain("UTF-16"));
    }
}
