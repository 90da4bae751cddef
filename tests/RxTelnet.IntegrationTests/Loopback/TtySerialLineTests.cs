namespace RxTelnet.IntegrationTests.Loopback;

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet.Options;
using RxTelnet.Serial;

/// <summary>TtySerialLine over a real pseudo-terminal: termios settings read back, refusals kept honest, data both ways.</summary>
[TestFixture]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TtySerialLineTests
{
    [Test]
    public async Task Settings_AreWhatTheTtyHolds_AndDataPassesBothWays()
    {
        using var pty = PseudoTerminal.Open();
        using var line = new TtySerialLine(pty.DevicePath);
        var received = line.Received.Select(Encoding.ASCII.GetString).Scan(string.Concat).FirstAsync(t => t.EndsWith('!')).ToTask();

        Assert.Multiple(() =>
        {
            Assert.That(line.SetBaudRate(115_200), Is.EqualTo(115_200u));
            Assert.That(line.SetBaudRate(12_345), Is.EqualTo(115_200u), "a rate termios does not name leaves the current one");
            Assert.That(line.SetBaudRate(0), Is.EqualTo(115_200u));
            Assert.That(line.SetStopSize(ComPortStopSize.Two), Is.EqualTo(ComPortStopSize.Two));
            Assert.That(line.SetStopSize(ComPortStopSize.OnePointFive), Is.EqualTo(ComPortStopSize.Two), "termios has no 1.5 stop bits");
            Assert.That(line.SetDataSize(7), Is.EqualTo(8), "a pseudo-terminal keeps 8 data bits: the truth is acknowledged");
            Assert.That(line.SetParity(ComPortParity.Even), Is.EqualTo(ComPortParity.None), "and no parity");
            Assert.That(line.SetControl(ComPortControl.DtrOff), Is.EqualTo(ComPortControl.DtrOff));
            Assert.That(line.SetControl(ComPortControl.RequestDtr), Is.EqualTo(ComPortControl.DtrOff));
        });
        line.Purge(ComPortPurge.Both);

        await line.WriteAsync("to the device\n"u8.ToArray());
        Assert.That(await pty.ReadUntilAsync("\n", TimeSpan.FromSeconds(20)), Is.EqualTo("to the device\n"));
        pty.Write("from the device!");
        Assert.That(await received.WaitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo("from the device!"));
    }

    [Test]
    public void MissingDevice_FailsTyped_NamingIt()
    {
        var error = Assert.Throws<IOException>(() => new TtySerialLine("/dev/rxtelnet-no-such-tty").Dispose());
        Assert.That(error!.Message, Does.Contain("/dev/rxtelnet-no-such-tty").And.Contain("errno 2"));
    }
}
