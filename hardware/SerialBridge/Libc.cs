using System.Runtime.InteropServices;
using System.Text;

namespace ParticleBlynk.SerialBridge;

/// <summary>The few glibc calls the bridge needs that .NET does not expose (Linux only; glibc 2.36 exports all of them from libc.so.6).</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc.so.6";

    public const short PollIn = 0x001;
    public const short PollOut = 0x004;
    public const short PollErr = 0x008;
    public const short PollHup = 0x010;
    public const short PollNval = 0x020;

    // Open flags, the same on x86_64 and arm64 Linux.
    private const int ORdWr = 0x2;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int TcsaNow = 0;

    /// <summary>errno values the bridge reacts to.</summary>
    public const int EAgain = 11;
    public const int EIntr = 4;
    public const int EIo = 5;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Library, EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenPt(int flags);

    [LibraryImport(Library, EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport(Library, EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsNameNative(int fd, byte* buffer, nuint length);

    [LibraryImport(Library, EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport(Library, EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport(Library, EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(byte* termios);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    private static partial int PollNative(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, byte* resolved);

    /// <summary>
    /// Opens a pty pair (what openpty does, by hand), makes the slave raw (no echo, no CR/LF translation), and returns
    /// the master (non-blocking), the slave, and the slave's path. Both fds are close-on-exec from the start:
    /// openpty cannot do that, and a process started meanwhile (ser2net, particle-cli) would inherit the master and
    /// keep the "board" plugged in after <see cref="Close"/> — seen here with ser2net, which then never saw the unplug.
    /// </summary>
    public static (int Master, int Slave, string SlavePath) OpenRawPty()
    {
        var master = PosixOpenPt(ORdWr | ONoCtty | OCloExec | ONonBlock);
        if (master < 0)
        {
            throw new IOException($"posix_openpt failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var slave = -1;
        try
        {
            if (GrantPt(master) != 0 || UnlockPt(master) != 0)
            {
                throw new IOException($"grantpt/unlockpt failed: errno {Marshal.GetLastPInvokeError()}");
            }

            var name = stackalloc byte[256];
            var rc = PtsNameNative(master, name, 256);
            if (rc != 0)
            {
                throw new IOException($"ptsname_r failed: error {rc}");
            }

            var slavePath = Marshal.PtrToStringUTF8((nint)name)!;
            slave = OpenNative(slavePath, ORdWr | ONoCtty | OCloExec, 0);
            if (slave < 0)
            {
                throw new IOException($"open({slavePath}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            // struct termios is 60 bytes on glibc x86_64/arm64; a larger opaque buffer keeps this layout-independent.
            var termios = stackalloc byte[256];
            if (TcGetAttr(slave, termios) != 0)
            {
                throw new IOException($"tcgetattr failed: errno {Marshal.GetLastPInvokeError()}");
            }

            CfMakeRaw(termios);
            if (TcSetAttr(slave, TcsaNow, termios) != 0)
            {
                throw new IOException($"tcsetattr failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return (master, slave, slavePath);
        }
        catch
        {
            Close(master);
            if (slave >= 0)
            {
                Close(slave);
            }

            throw;
        }
    }

    /// <summary>poll(2) on one fd; returns revents (0 on timeout).</summary>
    public static short Poll(int fd, short events, int timeoutMs)
    {
        var pollFd = new PollFd { Fd = fd, Events = events };
        var rc = PollNative(&pollFd, 1, timeoutMs);
        if (rc < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == EIntr ? (short)0 : throw new IOException($"poll failed: errno {errno}");
        }

        return rc == 0 ? (short)0 : pollFd.Revents;
    }

    /// <summary>read(2): bytes read, 0 at end of file, or -errno.</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = ReadNative(fd, p, (nuint)buffer.Length);
            return n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>write(2): bytes written, or -errno.</summary>
    public static int Write(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = WriteNative(fd, p, (nuint)buffer.Length);
            return n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>realpath(3): the canonical path with every symlink and ".." resolved as the kernel does, or null.</summary>
    public static string? RealPath(string path)
    {
        var resolved = stackalloc byte[4097]; // PATH_MAX + NUL
        var result = RealPathNative(path, resolved);
        return result == 0 ? null : Encoding.UTF8.GetString(resolved, new ReadOnlySpan<byte>(resolved, 4097).IndexOf((byte)0));
    }
}
