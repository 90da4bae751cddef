namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

[TestFixture]
public sealed class TelnetParserOptionsTests
{
    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(int.MinValue)]
    public void MaxSubnegotiationLength_BelowOne_ThrowsArgumentOutOfRangeExceptionNamingIt(int value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TelnetParserOptions { MaxSubnegotiationLength = value });

        Assert.That(ex!.ParamName, Is.EqualTo(nameof(TelnetParserOptions.MaxSubnegotiationLength)), "the exception names the property that was set");
    }

    [Test]
    public void MaxSubnegotiationLength_BelowOneViaWith_Throws()
    {
        Assert.That(() => TelnetParserOptions.Default with { MaxSubnegotiationLength = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>(), "a copy goes through the same check");
    }

    [Test]
    public void MaxSubnegotiationLength_One_KeepsOneBytePayloadsAndDropsLongerOnes()
    {
        var options = new TelnetParserOptions { MaxSubnegotiationLength = 1 };

        var lines = Transcript.ParseWhole([255, 250, 24, 7, 255, 240, 255, 250, 24, 7, 8, 255, 240], options);

        Assert.That(lines, Is.EqualTo(new[] { "SB 24 (TTYPE) \"%07\"", "WARNING SubnegotiationTooLong SB 24 (TTYPE)" }), "the smallest legal limit is inclusive");
    }

    [Test]
    public void Default_Values_AreTheDocumentedOnes()
    {
        var options = TelnetParserOptions.Default;

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxSubnegotiationLength, Is.EqualTo(64 * 1024), "64 KiB subnegotiation limit");
            Assert.That(options.CollapseCrNul, Is.True, "RFC 854 CR NUL collapsed");
            Assert.That(options.TelnetlibCooking, Is.False, "NUL and DC1 kept");
            Assert.That(new TelnetParserOptions(), Is.EqualTo(options), "a new instance equals Default");
        });
    }

    [Test]
    public void Telnetlib_Values_CookLikeTelnetlib()
    {
        var options = TelnetParserOptions.Telnetlib;

        Assert.Multiple(() =>
        {
            Assert.That(options.TelnetlibCooking, Is.True, "NUL and DC1 dropped everywhere");
            Assert.That(options.CollapseCrNul, Is.False, "no separate CR NUL rule: the NUL goes anyway");
            Assert.That(options.MaxSubnegotiationLength, Is.EqualTo(TelnetParserOptions.DefaultMaxSubnegotiationLength), "same limit as Default");
        });
    }
}
