namespace RxTelnet.IntegrationTests.Reliability;

using System.Diagnostics;
using System.Text;
using RxTelnet.Protocol;
using RxTelnet.Tests;

/// <summary>
/// Base of the loopback reliability fixtures: fails a test that leaves a faulted task unobserved, and the
/// fixture if it leaves many more threads than it found (a thread per session would show at once).
/// </summary>
public abstract class LeakCheckedTest
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private int _threadsAtStart;

    [OneTimeSetUp]
    public void CountThreads() => _threadsAtStart = ThreadCount();

    [SetUp]
    public void ForgetEarlierUnobserved() => UnobservedTasks.ForgetEarlier(); // other fixtures' dropped tasks are theirs

    [TearDown]
    public void NoUnobservedTaskException() => UnobservedTasks.AssertNone();

    [OneTimeTearDown]
    public void NoThreadLeftBehind() =>
        Assert.That(ThreadCount(), Is.LessThanOrEqualTo(_threadsAtStart + 32), "the fixture left threads behind (the thread pool's own growth is allowed for)");

    protected static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    protected static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    protected static string S(byte[] b) => Encoding.Latin1.GetString(b);

    protected static string Describe(TelnetEvent e) => e.Kind switch
    {
        TelnetEventKind.Data => "D:" + Encoding.Latin1.GetString(e.Data.Span),
        TelnetEventKind.Command => e.Command.ToString(),
        _ => $"W:{e.Warning.Kind}:{(e.Warning.Option is { } o ? (byte)o : -1)}",
    };
}
