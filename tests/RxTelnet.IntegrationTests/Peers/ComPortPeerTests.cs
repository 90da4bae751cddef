namespace RxTelnet.IntegrationTests.Peers;

using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>The RFC 2217 client against ser2net's COM-PORT-OPTION port (a pty behind it).</summary>
[TestFixture]
[Category("Peers")]
public sealed class ComPortPeerTests
{
    [Test]
    public async Task Ser2net_ComPortClient_SetsAndReadsBackEverySetting()
    {
        await using var session = await Peer.ConnectAsync("SER2NET", new TelnetSessionOptions
        {
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.ComPortOption).Allow(TelnetOption.SuppressGoAhead),
        });
        using var client = new ComPortClient(session, Peer.Timeout);

        // ser2net asks DO COM-PORT-OPTION; the first setting is held until we have agreed.
        Assert.That(await client.SetBaudRateAsync(19_200), Is.EqualTo(19_200u), "ser2net answers SET-BAUDRATE with the rate it set");
        Assert.That(session.IsLocalEnabled(TelnetOption.ComPortOption), Is.True);
        Assert.That(await client.SetDataSizeAsync(7), Is.EqualTo(7));
        Assert.That(await client.SetParityAsync(ComPortParity.Even), Is.EqualTo(ComPortParity.Even));
        Assert.That(await client.SetStopSizeAsync(ComPortStopSize.Two), Is.EqualTo(ComPortStopSize.Two));

        // Overlapping queries of different commands, and two of one command. Only queries overlap: ser2net reads the
        // line's settings when it answers, so a query in flight beside a change of the same setting may see either
        // value (it once answered 9600 to a query sent before SET-BAUDRATE 9600). The order in which replies to one
        // command are matched is pinned against a scripted server in ComPortClientTests.
        var baud = client.SetBaudRateAsync(0);
        var data = client.SetDataSizeAsync(0);
        var parity = client.SetParityAsync(ComPortParity.Request);
        var stop = client.SetStopSizeAsync(ComPortStopSize.Request);
        var baudAgain = client.SetBaudRateAsync(0);
        Assert.That(await baud, Is.EqualTo(19_200u), "the query reports the rate set before");
        Assert.That(await data, Is.EqualTo(7));
        Assert.That(await parity, Is.EqualTo(ComPortParity.Even));
        Assert.That(await stop, Is.EqualTo(ComPortStopSize.Two));
        Assert.That(await baudAgain, Is.EqualTo(19_200u));
        Assert.That(await client.SetBaudRateAsync(9_600), Is.EqualTo(9_600u));

        // Back to the line's configured 9600n81 for the next client.
        Assert.That(await client.SetDataSizeAsync(8), Is.EqualTo(8));
        Assert.That(await client.SetParityAsync(ComPortParity.None), Is.EqualTo(ComPortParity.None));
        Assert.That(await client.SetStopSizeAsync(ComPortStopSize.One), Is.EqualTo(ComPortStopSize.One));
        Assert.That(await client.PurgeAsync(ComPortPurge.Both), Is.EqualTo(ComPortPurge.Both));
        Assert.That(await client.GetSignatureAsync(), Does.Contain("ser2net"));
    }
}
