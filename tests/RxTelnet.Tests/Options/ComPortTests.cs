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
}
