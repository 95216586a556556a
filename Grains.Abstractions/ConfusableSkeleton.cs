using System.Runtime.InteropServices;

namespace OrleansChat.Grains.Abstractions;

/// <summary>
/// The Unicode confusable skeleton of a string (UTS #39): two strings with the same skeleton look alike
/// ("аna" with a Cyrillic а and "ana"; "rn" and "m"). It comes from the ICU library that .NET itself uses
/// for globalization on Linux (libicui18n's spoof checker), found at its versioned name; where it cannot be
/// loaded (another platform, or invariant globalization), <see cref="Available"/> is false and
/// <see cref="Of"/> returns the string unchanged.
/// </summary>
public static class ConfusableSkeleton
{
    private const int BufferOverflow = 15; // U_BUFFER_OVERFLOW_ERROR

    private static readonly IntPtr Checker;
    private static readonly GetSkeleton? Skeleton;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr OpenChecker(ref int status);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetSkeleton(IntPtr checker, uint type, [MarshalAs(UnmanagedType.LPWStr)] string text, int length, IntPtr destination, int capacity, ref int status);

    static ConfusableSkeleton()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // ICU renames its exports by major version (uspoof_open_72); newest first, then unversioned builds.
        foreach (var version in Enumerable.Range(50, 50).Reverse().Select(v => $"_{v}").Append(""))
        {
            var library = version == "" ? "libicui18n.so" : $"libicui18n.so.{version[1..]}";
            if (!NativeLibrary.TryLoad(library, out var handle))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(handle, $"uspoof_open{version}", out var open)
                && NativeLibrary.TryGetExport(handle, $"uspoof_getSkeleton{version}", out var skeleton))
            {
                var status = 0;
                var checker = Marshal.GetDelegateForFunctionPointer<OpenChecker>(open)(ref status);
                if (status <= 0 && checker != IntPtr.Zero)
                {
                    (Checker, Skeleton) = (checker, Marshal.GetDelegateForFunctionPointer<GetSkeleton>(skeleton));
                    return;
                }
            }
        }
    }

    /// <summary>Whether skeletons are computed here; without ICU, look-alikes across scripts are not detected.</summary>
    public static bool Available => Skeleton is not null;

    /// <summary>The skeleton of <paramref name="text"/>, or the text itself when ICU is not available or refuses it.</summary>
    public static string Of(string text)
    {
        if (Skeleton is null || text.Length == 0)
        {
            return text;
        }

        // Checks on a configured checker are thread-safe in ICU; skeletons are a few times the input at most.
        for (var capacity = text.Length * 4 + 16; ; capacity *= 2)
        {
            var buffer = Marshal.AllocHGlobal(capacity * sizeof(char));
            try
            {
                var status = 0;
                var length = Skeleton(Checker, 0, text, text.Length, buffer, capacity, ref status);
                if (status == BufferOverflow)
                {
                    continue;
                }

                return status > 0 ? text : Marshal.PtrToStringUni(buffer, length);
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
    }
}
