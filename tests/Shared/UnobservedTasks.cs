namespace RxTelnet.Tests;

using System.Collections.Concurrent;

/// <summary>
/// Collects exceptions of tasks that faulted without anyone observing them (an exception swallowed on a background
/// path), for the leak-checked test bases of both test projects.
/// </summary>
internal static class UnobservedTasks
{
    private static readonly ConcurrentQueue<Exception> Reported = new();

    static UnobservedTasks()
    {
        TaskScheduler.UnobservedTaskException += static (_, e) => Reported.Enqueue(e.Exception);
    }

    /// <summary>Runs finalizers (which raise UnobservedTaskException for dropped faulted tasks) and drains what they reported.</summary>
    /// <returns>The exceptions reported since the last call.</returns>
    public static List<Exception> Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var list = new List<Exception>();
        while (Reported.TryDequeue(out var ex))
        {
            list.Add(ex);
        }

        return list;
    }

    /// <summary>Drains what earlier tests left, writing it to the test output without failing this test.</summary>
    public static void ForgetEarlier()
    {
        foreach (var ex in Collect())
        {
            TestContext.Out.WriteLine("unobserved before this test (not counted): " + ex.GetBaseException().Message);
        }
    }

    /// <summary>Fails the current test when a task faulted unobserved since <see cref="ForgetEarlier"/>.</summary>
    public static void AssertNone()
    {
        var unobserved = Collect();
        Assert.That(unobserved, Is.Empty, "a task faulted and nobody observed its exception:\n" + string.Join("\n", unobserved));
    }
}
