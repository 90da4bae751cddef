namespace RxTelnet.Cli.Tests;

using System.Globalization;
using RxTelnet.Samples.Demo;

/// <summary>Base of the fixtures that run the CLI against a fresh embedded demo server, with temporary files.</summary>
public abstract class DemoServerFixture
{
    private DemoServer _server = null!;
    private TestFiles _files = null!;

    /// <summary>Gets the demo server of the current test.</summary>
    protected DemoServer Server => _server;

    /// <summary>Gets the temporary files of the current test.</summary>
    protected TestFiles Files => _files;

    /// <summary>Gets the demo server's port as the command line takes it.</summary>
    protected string Port => _server.Port.ToString(CultureInfo.InvariantCulture);

    [SetUp]
    public void StartDemoServer()
    {
        _server = new DemoServer();
        _files = new TestFiles();
    }

    [TearDown]
    public void StopDemoServer()
    {
        _server.Dispose();
        _files.Dispose();
    }
}
