namespace RxTelnet.Tests.Compat;

using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using RxTelnet.Transport;
using static RxTelnet.Compat.TelnetConstants;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>The examples of docs/telnetlib-porting.md, run against a scripted peer in virtual time.</summary>
[TestFixture]
public sealed class TelnetPortedScriptTests : ReactiveTest
{
    [Test]
    public void VirtualTimeExample_ReadUntilTimesOutAtTick500()
    {
        var scheduler = new TestScheduler();
        var peer = scheduler.CreateHotObservable(OnNext(100, "Username: "u8.ToArray()));
        var transport = new ObservableTransport(peer);
        using var tn = new Telnet(transport, scheduler);

        var read = tn.ReadUntilAsync("Password: "u8.ToArray(), TimeSpan.FromTicks(500));
        scheduler.AdvanceTo(499);
        Assert.That(read.IsCompleted, Is.False);
        scheduler.AdvanceTo(500);

        Assert.That(S(read.Result), Is.EqualTo("Username: "));
    }

    [Test]
    public async Task RouterLoginScript_RunsAgainstScriptedPeer()
    {
        var scheduler = new TestScheduler();
        var peer = scheduler.CreateHotObservable(
            OnNext(100, Cat([IAC, DO, TTYPE, IAC, DO, NAWS, IAC, WILL, ECHO], B("Username: "))),
            OnNext(200, B("Password: ")),
            OnNext(300, B("\r\nrouter#")),
            OnNext(400, B("show version\r\nVersion 1.0\r\nrouter#")));
        var transport = new ObservableTransport(peer);
        using var tn = new Telnet(transport, scheduler);
        tn.SetOptionNegotiationCallback((_, cmd, opt) =>
        {
            if (cmd == DO && opt == TTYPE)
            {
                tn.WriteRaw([IAC, WILL, TTYPE]);
            }
            else if (cmd is DO or DONT)
            {
                tn.WriteRaw([IAC, WONT, opt]);
            }
            else if (cmd is WILL or WONT)
            {
                tn.WriteRaw([IAC, DONT, opt]);
            }
        });
        var wait = TimeSpan.FromTicks(1000);

        var user = tn.ReadUntilAsync("Username: "u8.ToArray(), wait);
        scheduler.AdvanceTo(100);
        Assert.That(S(await user), Is.EqualTo("Username: "));
        await tn.WriteAsync("admin\r\n"u8.ToArray());
        var password = tn.ReadUntilAsync("Password: "u8.ToArray(), wait);
        scheduler.AdvanceTo(200);
        Assert.That(S(await password), Is.EqualTo("Password: "));
        await tn.WriteAsync("secret\r\n"u8.ToArray());
        var prompt = tn.ExpectAsync([@"#\s*$", @">\s*$"], wait);
        scheduler.AdvanceTo(300);
        Assert.That((await prompt).Index, Is.Zero);
        await tn.WriteAsync("show version\r\n"u8.ToArray());
        var output = tn.ReadUntilAsync("#"u8.ToArray(), wait);
        scheduler.AdvanceTo(400);

        Assert.That(S(await output), Is.EqualTo("show version\r\nVersion 1.0\r\nrouter#"));
        Assert.That(transport.SentBytes, Is.EqualTo(Cat(
            [IAC, WILL, TTYPE, IAC, WONT, NAWS, IAC, DONT, ECHO],
            B("admin\r\nsecret\r\nshow version\r\n"))));
    }
}
