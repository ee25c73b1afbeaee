using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace CursorAspire.LoadHarness;

/// <summary>
/// Sends streamed requests to one URL with a fixed number of workers and times each from the client's side: the first
/// body byte and the end of the body. A response counts only when it is a 200 whose SSE stream ends with <c>[DONE]</c>.
/// </summary>
public sealed class LoadRunner : IDisposable
{
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly string? _apiKey;

    public LoadRunner(Uri uri, string? apiKey)
    {
        _uri = uri;
        _apiKey = apiKey;
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
            var buffer = new byte[16 * 1024];
            int index;
            while ((index = Interlocked.Increment(ref next)) < count && !deadline.IsCancellationRequested)
            {
                try
                {
                    timings[index] = await SendAsync(bodies[index], buffer, deadline.Token).ConfigureAwait(false);
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
        };
        return result;
    }

    private async Task<RequestTiming> SendAsync(byte[] body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
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
        long total = 0;
        var tail = new byte[DoneEvent.Length];
        var tailLength = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
        {
            if (firstByte < 0)
            {
                firstByte = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            total += read;
            tailLength = KeepTail(tail, tailLength, buffer.AsSpan(0, read));
        }
        var totalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        if (tailLength < DoneEvent.Length || !tail.AsSpan().SequenceEqual(DoneEvent))
        {
            throw new InvalidDataException($"The stream ({total} bytes) did not end with [DONE]; it ended with '{Encoding.UTF8.GetString(tail, 0, tailLength)}'.");
        }
        return new RequestTiming(firstByte, totalMs);
    }

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
}
