namespace RxTelnet.Tests.Reliability;

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Reactive.Testing;

/// <summary>
/// Base of the reliability fixtures: after every test, forces a full collection and fails the test when a task
/// faulted without anyone observing it (an exception swallowed on a background path of the session).
/// </summary>
public abstract class LeakCheckedTest : ReactiveTest
{
    private static readonly ConcurrentQueue<Exception> Unobserved = new();

    static LeakCheckedTest()
    {
        TaskScheduler.UnobservedTaskException += static (_, e) => Unobserved.Enqueue(e.Exception);
    }

    [SetUp]
    public void ForgetEarlierUnobserved()
    {
        // Other fixtures' dropped tasks are theirs: note them, but do not blame this test.
        foreach (var ex in CollectUnobserved())
        {
            TestContext.Out.WriteLine("unobserved before this test (not counted): " + ex.GetBaseException().Message);
        }
    }

    [TearDown]
    public void NoUnobservedTaskException()
    {
        var unobserved = CollectUnobserved();
        Assert.That(unobserved, Is.Empty, "a task faulted and nobody observed its exception:\n" + string.Join("\n", unobserved));
    }

    /// <summary>Runs finalizers (which raise UnobservedTaskException for dropped faulted tasks) and drains what they reported.</summary>
    protected static List<Exception> CollectUnobserved()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var list = new List<Exception>();
        while (Unobserved.TryDequeue(out var ex))
        {
            list.Add(ex);
        }

        return list;
    }

    /// <summary>Bytes allocated and still reachable, after a full collection.</summary>
    protected static long LiveBytes() => GC.GetTotalMemory(forceFullCollection: true);
}

/// <summary>The detector above must be able to fail: a dropped faulted task is seen.</summary>
[TestFixture]
public sealed class LeakCheckSelfTests : LeakCheckedTest
{
    [Test]
    public void CollectUnobserved_DroppedFaultedTask_IsReported()
    {
        DropFaultedTask();

        var seen = CollectUnobserved();

        Assert.That(seen.SelectMany(static e => ((AggregateException)e).InnerExceptions).OfType<InvalidProgramException>().Count(), Is.EqualTo(1), "the dropped task's exception reaches UnobservedTaskException once it is collected");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropFaultedTask()
    {
        // Wait for the fault without observing it, and let the only reference die with this frame.
        var task = Task.Run(static () => throw new InvalidProgramException("dropped on purpose"));
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
    }
}
