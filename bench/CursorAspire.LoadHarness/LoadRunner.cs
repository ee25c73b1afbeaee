using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace CursorAspire.LoadHarness;

/// <summary>
/// Sends requests along one <see cref="ClientRoute"/> with a fixed number of workers and times each from the client's
/// side: the first body byte, the first token (streamed) and the end of the body. A response counts only when it is
/// a 200 that looks as <see cref="ExpectedReply"/> says.
/// </summary>
public sealed class LoadRunner : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _client;
    private readonly ClientRoute _route;
    private readonly ExpectedReply _expected;
    private readonly string _mediaType;
    private readonly string? _charSet;
    private int _inFlight;
    private int _maxInFlight;

    public LoadRunner(ClientRoute route, ExpectedReply expected)
    {
        _route = route;
        _expected = expected;
        var contentType = MediaTypeHeaderValue.Parse(route.ContentType);
        (_mediaType, _charSet) = (contentType.MediaType!, contentType.CharSet);
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxResponseDrainSize = 0,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Runs <paramref name="count"/> requests at <paramref name="concurrency"/>, bodies made up front by
    /// <paramref name="createBody"/> so the client's own work during the phase is the HTTP exchange only.
    /// </summary>
    public async Task<PhaseResult> RunAsync(string path, int count, int concurrency, Func<int, byte[]> createBody, TimeSpan maxDuration, AllocationTypeSampler? sampler, HopTimeline? timeline, CancellationToken cancellationToken)
    {
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            bodies[i] = createBody(i);
        }
        var timings = new RequestTiming[count];
        var ok = new bool[count];
        var failures = 0;
        string? firstFailure = null;
        var next = -1;
        _maxInFlight = 0;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(maxDuration);

        // Settle the heap so the phase's GC counts are its own, not debt from setup.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        sampler?.Start();
        timeline?.Start();
        var clock = Stopwatch.StartNew();

        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var scratch = new WorkerScratch(_expected.FirstToken.Length, _expected.TailLength);
            int index;
            while ((index = Interlocked.Increment(ref next)) < count && !deadline.IsCancellationRequested)
            {
                try
                {
                    timings[index] = await SendAsync(bodies[index], scratch, deadline.Token).ConfigureAwait(false);
                    ok[index] = true;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, $"{ex.GetType().Name}: {ex.Message}", null);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);

        clock.Stop();
        sampler?.Stop();
        var hops = timeline?.Stop() ?? [];
        process.Refresh();
        var result = new PhaseResult
        {
            Path = path,
            Timings = [.. timings.Where((_, i) => ok[i])],
            // Errors and, when the time bound hit, requests never sent.
            Failures = ok.Count(o => !o),
            FirstFailure = deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? $"Stopped at the {maxDuration.TotalSeconds:F0} s bound. " + firstFailure
                : firstFailure,
            Elapsed = clock.Elapsed,
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated,
            Gen0 = GC.CollectionCount(0) - gen0,
            Gen1 = GC.CollectionCount(1) - gen1,
            Gen2 = GC.CollectionCount(2) - gen2,
            GcPause = GC.GetTotalPauseDuration() - pause,
            ProcessorTime = process.TotalProcessorTime - cpu,
            BytesByType = sampler is null ? null : new Dictionary<string, long>(sampler.BytesByType),
            Hops = hops,
            MaxInFlight = _maxInFlight,
        };
        return result;
    }

    private async Task<RequestTiming> SendAsync(byte[] body, WorkerScratch scratch, CancellationToken cancellationToken)
    {
        var open = Interlocked.Increment(ref _inFlight);
        int max;
        while (open > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, open, max) != max)
        {
        }
        try
        {
            return await ExchangeAsync(body, scratch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<RequestTiming> ExchangeAsync(byte[] body, WorkerScratch scratch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _route.ChatUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(_mediaType, _charSet);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(_expected.AcceptMediaType));
        foreach (var (name, value) in _route.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            throw new HttpRequestException($"{(int)response.StatusCode}: {error}");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);

        double firstByte = -1;
        var firstToken = double.NaN;
        long total = 0;
        var received = scratch.Received;
        received.ResetWrittenCount();
        scratch.TokenTailLength = 0;
        var tailLength = 0;
        int read;
        while (true)
        {
            // A non-streamed body is kept whole to be checked; a stream is read through one buffer, keeping its tail.
            Memory<byte> into = _expected.Streamed ? scratch.Buffer : received.GetMemory(16 * 1024);
            if ((read = await stream.ReadAsync(into, timeout.Token).ConfigureAwait(false)) <= 0)
            {
                break;
            }
            if (firstByte < 0)
            {
                firstByte = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            total += read;
            if (!_expected.Streamed)
            {
                received.Advance(read);
                continue;
            }
            var chunk = scratch.Buffer.AsSpan(0, read);
            if (double.IsNaN(firstToken) && scratch.SawToken(chunk, _expected.FirstToken))
            {
                firstToken = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            tailLength = KeepTail(scratch.Tail, tailLength, chunk);
        }
        var totalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        if (!_expected.Streamed)
        {
            return received.WrittenSpan.IndexOf(_expected.Text) >= 0
                ? new RequestTiming(firstByte, totalMs, double.NaN)
                : throw new InvalidDataException($"The response ({total} bytes) does not carry the reply's text; it began with '{Encoding.UTF8.GetString(received.WrittenSpan[..(int)Math.Min(total, 300)])}'.");
        }
        if (!_expected.EndsWell(scratch.Tail.AsSpan(0, tailLength)))
        {
            throw new InvalidDataException($"The stream ({total} bytes) did not end with {_expected.EndDescription}; it ended with '{Encoding.UTF8.GetString(scratch.Tail, 0, tailLength)}'.");
        }
        return double.IsNaN(firstToken)
            ? throw new InvalidDataException($"The stream ({total} bytes) never carried the reply's first token '{Encoding.ASCII.GetString(_expected.FirstToken)}'.")
            : new RequestTiming(firstByte, totalMs, firstToken);
    }

    /// <summary>Keeps the last <c>tail.Length</c> bytes seen so far in <paramref name="tail"/>; returns how many it holds.</summary>
    private static int KeepTail(byte[] tail, int tailLength, ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= tail.Length)
        {
            chunk[^tail.Length..].CopyTo(tail);
            return tail.Length;
        }
        var keep = Math.Min(tailLength, tail.Length - chunk.Length);
        tail.AsSpan(tailLength - keep, keep).CopyTo(tail);
        chunk.CopyTo(tail.AsSpan(keep));
        return keep + chunk.Length;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>One worker's reusable buffers, so the client's own allocations stay the same on every path.</summary>
    private sealed class WorkerScratch(int tokenLength, int tailLength)
    {
        public byte[] Buffer { get; } = new byte[16 * 1024];

        public ArrayBufferWriter<byte> Received { get; } = new(16 * 1024);

        public byte[] Tail { get; } = new byte[tailLength];

        /// <summary>The stream's last bytes before the current read, for a token split across two reads.</summary>
        public byte[] TokenTail { get; } = new byte[Math.Max(1, tokenLength - 1)];

        public int TokenTailLength { get; set; }

        private readonly byte[] _seam = new byte[2 * Math.Max(1, tokenLength - 1)];

        /// <summary>Whether <paramref name="token"/> appears in this read, or across it and the previous one.</summary>
        public bool SawToken(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> token)
        {
            if (chunk.IndexOf(token) >= 0)
            {
                return true;
            }
            var head = chunk[..Math.Min(chunk.Length, TokenTail.Length)];
            TokenTail.AsSpan(0, TokenTailLength).CopyTo(_seam);
            head.CopyTo(_seam.AsSpan(TokenTailLength));
            if (_seam.AsSpan(0, TokenTailLength + head.Length).IndexOf(token) >= 0)
            {
                return true;
            }
            TokenTailLength = KeepTail(TokenTail, TokenTailLength, chunk);
            return false;
        }
    }
}
