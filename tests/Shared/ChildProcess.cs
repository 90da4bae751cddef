namespace RxTelnet.Tests;

using System.ComponentModel;
using System.Diagnostics;

/// <summary>Runs a program as a user would, its three standard streams redirected: the samples, and peers' command-line tools.</summary>
internal static class ChildProcess
{
    /// <summary>Starts <paramref name="fileName"/> for a test that talks to it through its streams.</summary>
    /// <param name="fileName">The program, found on PATH.</param>
    /// <param name="arguments">Its arguments, passed as they are.</param>
    /// <param name="whenMissing">The failure message when the program cannot be started (say how to install it).</param>
    /// <returns>The running process; the caller disposes it.</returns>
    public static Process Start(string fileName, IEnumerable<string> arguments, string whenMissing)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            Assert.Fail(whenMissing);
            throw;
        }
    }

    /// <summary>Runs <paramref name="fileName"/> to its end with <paramref name="input"/> as its whole standard input.</summary>
    /// <param name="fileName">The program, found on PATH.</param>
    /// <param name="arguments">Its arguments, passed as they are.</param>
    /// <param name="input">What it reads; its standard input is closed after it.</param>
    /// <param name="timeout">How long it may run; then it is killed with its children.</param>
    /// <param name="whenMissing">The failure message when the program cannot be started.</param>
    /// <returns>Its exit code and everything it wrote to standard output and standard error.</returns>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/>; the message holds its output.</exception>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(
        string fileName, IEnumerable<string> arguments, string input, TimeSpan timeout, string whenMissing)
    {
        using var process = Start(fileName, arguments, whenMissing);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {timeout.TotalSeconds} s:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }

    /// <summary>Runs a sample's assembly, built beside the tests, with <c>dotnet exec</c> and no input.</summary>
    /// <param name="assembly">The file name of the sample's assembly in the test output folder.</param>
    /// <param name="arguments">The sample's arguments.</param>
    /// <returns>Its exit code and its output.</returns>
    public static Task<(int Code, string Output, string Errors)> RunSampleAsync(string assembly, params string[] arguments)
    {
        // The test project references the sample, so its assembly and runtimeconfig sit beside the tests.
        var dll = Path.Combine(AppContext.BaseDirectory, assembly);
        Assert.That(File.Exists(dll), Is.True, dll);
        return RunAsync("dotnet", ["exec", dll, .. arguments], string.Empty, TimeSpan.FromSeconds(60), "dotnet is not on PATH.");
    }
}
