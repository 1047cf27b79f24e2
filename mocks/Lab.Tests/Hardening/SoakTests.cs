using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ParticleBlynk.Lab.Tests.Support;
using ParticleBlynk.Loop;

namespace ParticleBlynk.Lab.Tests.Hardening;

/// <summary>
/// issue 12 item 2: bounded memory. 10,000 requests against one lab process — 100 of them with 10 MB bodies (the issue's
/// wrong-token function call among them), the rest reads, writes, publishes, calls and refusals that each leave something
/// in a journal, a history or a log — leave the lab's resident memory (VmRSS in /proc/{pid}/status) at most 300 MB, and
/// the lab still answers. A 10 MB body is refused (413) before it is read, or reset while the client still pushes it.
/// </summary>
public sealed class SoakTests(DemoLabFixture fixture, ITestOutputHelper output) : IClassFixture<DemoLabFixture>
{
    private const int Requests = 10_000;
    private const int BigBodies = 100;
    private const long BigBodyBytes = 10 * 1024 * 1024;
    private const long RssLimitBytes = 300L * 1024 * 1024;
    private const int InFlight = 8;
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ten_thousand_requests_with_a_hundred_10_MB_bodies_leave_the_lab_under_300_MB_and_answering()
    {
        // Given the demo lab
        var lab = fixture.Lab;
        var particle = new Uri(fixture.Ready.ParticleUrl).Port;
        var blynk = new Uri(fixture.Ready.BlynkUrl).Port;
        var (token, blynkToken, device) = (fixture.Tokens.Particle, fixture.Tokens.Blynk!, fixture.Ready.DeviceId!);
        var secrets = new Secrets(token, blynkToken);
        var before = ProcessMemory.Of(lab.ProcessId);
        var answers = new ConcurrentDictionary<string, int>();
        var problems = new ConcurrentQueue<string>();
        var next = -1;
        var clock = Stopwatch.StartNew();

        // When 8 workers send 10,000 requests, every 100th with a 10 MB body
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            var kept = new Dictionary<int, RawHttpConnection>();
            try
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Requests)
                {
                    var big = i % (Requests / BigBodies) == Requests / BigBodies / 2;
                    var (name, port, head, body, expected) = big
                        ? BigRequest(i / (Requests / BigBodies), particle, blynk, token, blynkToken, device)
                        : NormalRequest(i, particle, blynk, token, blynkToken, device);
                    var response = await SendAsync(kept, port, head, body, fresh: big);
                    answers.AddOrUpdate($"{name} {(response.Status == 0 ? "reset" : response.Status)}", 1, (_, n) => n + 1);
                    var fine = response.Status == 0
                        ? big && body is not null && response.Failure?.StartsWith("reset while sending", StringComparison.Ordinal) == true
                        : expected.Contains(response.Status);
                    if (!fine && problems.Count < 10)
                    {
                        problems.Enqueue($"#{i} {name}: expected {string.Join('/', expected)}, got {secrets.Redact(CleanText.Line(response.ToString(), 400))}");
                    }
                }
            }
            finally
            {
                foreach (var connection in kept.Values)
                {
                    await connection.DisposeAsync();
                }
            }
        })));
        clock.Stop();
        var after = ProcessMemory.Of(lab.ProcessId);

        // Then
        var still = await SendAsync([], particle, Head("GET", "/v1/devices", particle, ("Authorization", "Bearer " + token)), null, fresh: true);
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{Requests} requests ({BigBodies} of {BigBodyBytes / (1024 * 1024)} MB) in {clock.Elapsed.TotalSeconds:F1} s, {InFlight} in flight; lab RSS before {before.RssMb:F0} MB, after {after.RssMb:F0} MB, peak {after.PeakMb:F0} MB; answers: {string.Join(", ", answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}×{a.Value}"))}");
        output.WriteLine(summary);
        problems.Should().BeEmpty(summary + Environment.NewLine + string.Join(Environment.NewLine, problems));
        after.RssBytes.Should().BeLessThanOrEqualTo(RssLimitBytes, summary);
        still.Status.Should().Be(200, "the lab still answers: " + summary);
        lab.HasExited.Should().BeFalse();
    }

    // 100 × 10 MB: the issue's wrong-token function call (Content-Length, pushed), a chunked publish (pushed: the API reads
    // it up to the 16 KiB limit), a body on a Blynk GET (pushed), a dashboard switch that waits for 100-continue (never sent).
    private static (string, int, byte[], Stream?, int[]) BigRequest(int n, int particle, int blynk, string token, string blynkToken, string device) => (n % 5) switch
    {
        0 or 1 => ("10MB-call-wrong-token", particle,
            Head("POST", $"/v1/devices/{device}/blynk_led", particle, ("Authorization", "Bearer " + new string('0', 40)), ("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", BigBodyBytes.ToString(CultureInfo.InvariantCulture))),
            new RepeatedBody(BigBodyBytes, chunked: false), [413]),
        2 => ("10MB-chunked-publish", particle,
            Head("POST", "/v1/devices/events", particle, ("Authorization", "Bearer " + token), ("Content-Type", "application/x-www-form-urlencoded"), ("Transfer-Encoding", "chunked")),
            new RepeatedBody(BigBodyBytes, chunked: true), [413]),
        3 => ("10MB-blynk-get", blynk,
            Head("GET", $"/external/api/batch/update?token={blynkToken}&V14=1", blynk, ("Content-Length", BigBodyBytes.ToString(CultureInfo.InvariantCulture))),
            new RepeatedBody(BigBodyBytes, chunked: false), [413]),
        _ => ("10MB-expect-continue", blynk,
            Head("POST", "/dashboard/api/1/pins/V16", blynk, ("Content-Type", "application/json"), ("Expect", "100-continue"), ("Content-Length", BigBodyBytes.ToString(CultureInfo.InvariantCulture))),
            null, [413]),
    };

    // Each leaves something behind if anything is unbounded: journal hops, the event bus, histories, properties, logs.
    private static (string, int, byte[], Stream?, int[]) NormalRequest(int i, int particle, int blynk, string token, string blynkToken, string device)
    {
        var bearer = ("Authorization", "Bearer " + token);
        var form = ("Content-Type", "application/x-www-form-urlencoded");
        return (i % 10) switch
        {
            0 => ("devices", particle, Head("GET", "/v1/devices", particle, bearer), null, [200]),
            1 => ("blynk-get", blynk, Head("GET", $"/external/api/get?token={blynkToken}&V16", blynk), null, [200]),
            2 => ("blynk-write-1KB", blynk, Head("GET", $"/external/api/batch/update?token={blynkToken}&V14={i}&V6={new string('s', 1000)}", blynk), null, [200]),
            3 => Post("publish-1KB", particle, "/v1/devices/events", $"name=soak/{i}&data={new string('d', 1000)}", [bearer, form], [200]),
            4 => Post("call-wrong-token-15KB", particle, $"/v1/devices/{device}/blynk_led", "args=" + new string('a', 15_000), [("Authorization", "Bearer " + new string('0', 40)), form], [401]),
            5 => Post("call-1KB-argument", particle, $"/v1/devices/{device}/blynk_led", "args=" + new string('b', 1000), [bearer, form], [200]),
            6 => ("blynk-property-1KB", blynk, Head("GET", $"/external/api/update/property?token={blynkToken}&pin=V17&p{i % 200}={new string('p', 1000)}", blynk), null, [200, 400]),
            7 => ("ping", particle, Head("PUT", $"/v1/devices/{device}/ping", particle, bearer, ("Content-Length", "0")), null, [200]),
            8 => ("blynk-wrong-token", blynk, Head("GET", "/external/api/get?token=" + new string('x', 32) + "&V16", blynk), null, [400]),
            _ => Post("publish-over-data-limit", particle, "/v1/devices/events", $"name=soak&data={new string('e', 2000)}", [bearer, form], [400]),
        };
    }

    private static (string, int, byte[], Stream?, int[]) Post(string name, int port, string path, string body, (string, string)[] headers, int[] expected)
    {
        var bytes = Encoding.ASCII.GetBytes(body);
        return (name, port, Head("POST", path, port, [.. headers, ("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture))]), new MemoryStream(bytes), expected);
    }

    private static byte[] Head(string method, string path, int port, params (string Name, string Value)[] headers) =>
        Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\r\n"))}\r\n");

    private static async Task<RawResponse> SendAsync(Dictionary<int, RawHttpConnection> kept, int port, byte[] head, Stream? body, bool fresh)
    {
        using var deadline = new CancellationTokenSource(AnswerLimit);
        RawHttpConnection connection;
        if (fresh)
        {
            connection = await RawHttpConnection.OpenAsync(port, deadline.Token);
        }
        else
        {
            if (!kept.TryGetValue(port, out var open) || !open.Reusable)
            {
                if (open is not null)
                {
                    await open.DisposeAsync();
                }

                open = await RawHttpConnection.OpenAsync(port, deadline.Token);
                kept[port] = open;
            }

            connection = open;
        }

        try
        {
            return await connection.SendAsync(head, body, halfClose: false, isHead: false, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            kept.Remove(port);
            await connection.DisposeAsync();
            return RawResponse.None($"no answer within {AnswerLimit.TotalSeconds} s");
        }
        finally
        {
            if (body is not null)
            {
                await body.DisposeAsync();
            }

            if (fresh)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>A body of <c>length</c> bytes of 'x', made as it is read (the test never holds 10 MB), chunked or not.</summary>
    private sealed class RepeatedBody(long length, bool chunked) : Stream
    {
        private static readonly byte[] Block = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
        private static readonly byte[] ChunkHead = Encoding.ASCII.GetBytes((16 * 1024).ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        private long _sent;
        private byte[] _pending = [];
        private int _pendingAt;
        private bool _ended;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_pendingAt == _pending.Length && !NextPiece())
            {
                return 0;
            }

            var take = Math.Min(count, _pending.Length - _pendingAt);
            Array.Copy(_pending, _pendingAt, buffer, offset, take);
            _pendingAt += take;
            return take;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private bool NextPiece()
        {
            _pendingAt = 0;
            if (_sent < length)
            {
                var size = (int)Math.Min(Block.Length, length - _sent);
                _sent += size;
                _pending = !chunked ? Block[..size] : [.. (size == Block.Length ? ChunkHead : Encoding.ASCII.GetBytes(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n")), .. Block.AsSpan(0, size), .. "\r\n"u8];
                return true;
            }

            if (chunked && !_ended)
            {
                _ended = true;
                _pending = "0\r\n\r\n"u8.ToArray();
                return true;
            }

            _pending = [];
            return false;
        }
    }
}

/// <summary>A process's resident memory now and at its peak, from /proc/{pid}/status (VmRSS, VmHWM; Linux).</summary>
public sealed record ProcessMemory(long RssBytes, long PeakBytes)
{
    public double RssMb => RssBytes / (1024.0 * 1024.0);

    public double PeakMb => PeakBytes / (1024.0 * 1024.0);

    public static ProcessMemory Of(int processId)
    {
        long Kb(string[] lines, string key) =>
            long.Parse(lines.Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        var status = File.ReadAllLines($"/proc/{processId}/status");
        return new ProcessMemory(Kb(status, "VmRSS"), Kb(status, "VmHWM"));
    }
}
