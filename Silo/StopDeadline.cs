using System.Runtime.InteropServices;

namespace OrleansChat.Silo;

/// <summary>
/// The last line of the stop bound. Every call the chat makes while stopping is bounded, but the libraries'
/// own shutdown (Orleans leaving the membership table, Redis connections draining their backlog) can still
/// wait on a Redis that does not answer. If the process still runs this long after SIGTERM, it ends itself,
/// so it never depends on Cloud Run's SIGKILL, nor hangs where nothing sends one (a developer's Ctrl+C).
/// Acknowledged messages are already stored by then; what is lost is only the hand-back of presence,
/// which the rooms' leases make up for.
/// </summary>
public static class StopDeadline
{
    private static readonly List<PosixSignalRegistration> Signals = [];
    private static int _started;

    /// <summary>
    /// Ends this process <paramref name="after"/> the stop began if it is still running then. For the
    /// executable only: a process that hosts other things (a test run) must not be ended by it.
    /// </summary>
    public static void Arm(IHostApplicationLifetime lifetime, TimeSpan after)
    {
        // The count starts at the signal itself. ApplicationStopping runs its callbacks one after another, and
        // some hold it on purpose (ConnectionLifetime lets clients read "reconnect allowed" for up to 2 s), so
        // a count started there would end past Cloud Run's 10 s. A stop asked for in code starts it there.
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Start(after)));
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Start(after)));
        lifetime.ApplicationStopping.Register(() => Start(after));
    }

    private static void Start(TimeSpan after)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        new Thread(() =>
        {
            Thread.Sleep(after);
            // Written directly: the logging pipeline may be among what is stuck.
            Console.Error.WriteLine($"OrleansChat: still stopping {after.TotalSeconds:0.#} s after the stop began; exiting now.");
            Console.Error.Flush();
            Exit(0);
        })
        { IsBackground = true, Name = "stop deadline" }.Start();
    }

    // _exit, not Environment.Exit: the host's own exit handler waits for the stop that is stuck.
    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);
}
