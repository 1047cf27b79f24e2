using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore.Http;
using ParticleBlynk.ParticleCloud.Api;

namespace ParticleBlynk.ParticleCloud;

/// <summary>
/// TEST-ONLY: a documented contract fact the mock deliberately breaks, so that the contract probes' mutation self-test
/// (steps/Contracts, <c>scripts/contracts.sh --self-test</c>) can prove a probe notices. Never set one in a lab you test against.
/// Lab file: <c>"particle": { "mutations": ["InvalidTokenWithoutErrorCode"] }</c> (an unknown name is an error).
/// </summary>
public enum ParticleContractMutation
{
    /// <summary>401 answers <c>{"ok":false,"error":"Unauthorized"}</c>: no <c>invalid_token</c> (contracts.md §2.2 "Invalid/expired token").</summary>
    InvalidTokenWithoutErrorCode,

    /// <summary>Event streams start without the <c>:ok</c> comment (contracts.md §2.3 wire format).</summary>
    EventStreamWithoutOk,

    /// <summary>Function calls read only <c>arg</c>, never <c>args</c> (contracts.md §2.2 "Argument param").</summary>
    IgnoreArgsParameter,
}

/// <summary>Applies <see cref="ParticleContractMutation"/>s around the API; with none set, everything passes through untouched.</summary>
internal static class ParticleContractMutations
{
    public static ApiRequest OnRequest(ImmutableArray<ParticleContractMutation> mutations, ApiRequest request)
    {
        if (!mutations.Contains(ParticleContractMutation.IgnoreArgsParameter) || !request.Body.ContainsKey("args"))
        {
            return request;
        }

        return request with { Body = request.Body.Where(p => p.Key != "args").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) };
    }

    public static ApiResponse OnAnswer(ImmutableArray<ParticleContractMutation> mutations, ApiResponse answer) =>
        answer.Status == 401 && mutations.Contains(ParticleContractMutation.InvalidTokenWithoutErrorCode)
            ? ApiResponse.Raw(401, """{"ok":false,"error":"Unauthorized"}""")
            : answer;

    /// <summary>Runs an event stream with its leading ":ok" dropped when <see cref="ParticleContractMutation.EventStreamWithoutOk"/> is set.</summary>
    public static async Task RunEventStreamAsync(ImmutableArray<ParticleContractMutation> mutations, HttpContext context, Func<Task> stream)
    {
        if (!mutations.Contains(ParticleContractMutation.EventStreamWithoutOk))
        {
            await stream().ConfigureAwait(false);
            return;
        }

        var original = context.Response.Body;
        await using var filtered = new WithoutLeadingOk(original);
        context.Response.Body = filtered;
        try
        {
            await stream().ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }
    }

    /// <summary>A response body that swallows the first write when it is exactly ":ok\n\n".</summary>
    private sealed class WithoutLeadingOk(Stream inner) : Stream
    {
        private static readonly byte[] Ok = Encoding.UTF8.GetBytes(":ok\n\n");
        private bool _first = true;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_first)
            {
                _first = false;
                if (buffer.Span.SequenceEqual(Ok))
                {
                    return new ValueTask(inner.FlushAsync(cancellationToken)); // the headers still go out at once
                }
            }

            return inner.WriteAsync(buffer, cancellationToken);
        }

        // The wrapped body belongs to the server: disposing the wrapper must not close it.
        protected override void Dispose(bool disposing)
        {
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
