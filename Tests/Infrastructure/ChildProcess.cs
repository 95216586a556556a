using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>A process the tests start, with its output lines collected for waiting on, and killed if left running.</summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int SigInt = 2, SigTerm = 15, SigStop = 19;
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public Inbox<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child.Output.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Asks the process to stop, as a container runtime does (SIGTERM).</summary>
    public void Terminate() => Signal(SigTerm, "SIGTERM");

    /// <summary>Interrupts the process (SIGINT), as Ctrl+C does; PostgreSQL takes it as a fast shutdown.</summary>
    public void Interrupt() => Signal(SigInt, "SIGINT");

    /// <summary>Freezes the process (SIGSTOP): it holds its sockets open and answers nothing, as a hung VM does.</summary>
    public void Freeze() => Signal(SigStop, "SIGSTOP");

    private void Signal(int signal, string name)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {name}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an out-of-memory kill would.</summary>
    public void Kill() => _process.Kill();

    public async Task<int> WaitForExitAsync(TimeSpan timeout, string what)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} did not exit within {timeout.TotalSeconds:0} s; last output: {string.Join(" | ", Output.Items.TakeLast(15))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            // Bounded: the wait also waits for the end of its output, which a grandchild that escaped the
            // kill could hold open.
            await WaitForExitAsync(TimeSpan.FromSeconds(30), $"{_process.StartInfo.FileName} after SIGKILL");
        }

        _process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
