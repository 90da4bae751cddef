namespace RxTelnet.Tests.Reliability;

using System.Runtime.CompilerServices;
using Microsoft.Reactive.Testing;

/// <summary>
/// Base of the reliability fixtures: after every test, forces a full collection and fails the test when a task
/// faulted without anyone observing it (an exception swallowed on a background path of the session).
/// </summary>
public abstract class LeakCheckedTest : ReactiveTest
{
    [SetUp]
    public void ForgetEarlierUnobserved() => UnobservedTasks.ForgetEarlier(); // other fixtures' dropped tasks are theirs

    [TearDown]
    public void NoUnobservedTaskException() => UnobservedTasks.AssertNone();

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

        // The pool thread that ran the task may still hold it for a moment after the wait handle is set: collect
        // until the task is unreachable (bounded), then count.
        var seen = new List<Exception>();
        SpinWait.SpinUntil(
            () =>
            {
                seen.AddRange(UnobservedTasks.Collect());
                return Dropped(seen) > 0;
            },
            TimeSpan.FromSeconds(10));

        Assert.That(Dropped(seen), Is.EqualTo(1), "the dropped task's exception reaches UnobservedTaskException once it is collected");

        static int Dropped(List<Exception> seen) =>
            seen.SelectMany(static e => ((AggregateException)e).InnerExceptions).OfType<InvalidProgramException>().Count();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropFaultedTask()
    {
        // Wait for the fault without observing it, and let the only reference die with this frame.
        var task = Task.Run(static () => throw new InvalidProgramException("dropped on purpose"));
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
    }
}
