namespace RxTelnet.Cli.Tests;

/// <summary>Temporary files for scripts and logs, removed after each test.</summary>
public sealed class TestFiles : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "rxtelnet-cli-tests-" + Guid.NewGuid().ToString("N"));

    public TestFiles() => Directory.CreateDirectory(_folder);

    public string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string PathOf(string name) => Path.Combine(_folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing process; the temp folder is cleaned by the OS later.
        }
    }

    /// <summary>The demo login as a script, ending with the server's goodbye.</summary>
    public const string DemoLogin = """
        # log in to the demo device and ask its version
        timeout 10
        expect login: 
        send demo
        expect Password: 
        send secret
        expect \$ $
        send show version
        expect \$ $
        send exit
        expect bye
        """;
}
