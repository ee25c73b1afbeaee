using System.Text;

namespace CursorAspire.Check.Http;

/// <summary>
/// One request of the check and its response, read under the request's deadline: a read that outlives it throws
/// <see cref="CheckTimeoutException"/>. Owns the request, the response and the deadline.
/// </summary>
/// <param name="request">The request, disposed with the exchange.</param>
/// <param name="response">The response, disposed with the exchange.</param>
/// <param name="sentAt">When the request was sent (<see cref="TimeProvider.GetTimestamp"/>).</param>
/// <param name="time">The clock <paramref name="sentAt"/> was read from.</param>
/// <param name="timeout">The request's deadline.</param>
/// <param name="deadline">Cancelled at the deadline.</param>
/// <param name="linked">The deadline or the caller's cancellation.</param>
/// <param name="caller">The caller's cancellation.</param>
internal sealed class CheckExchange(HttpRequestMessage request, HttpResponseMessage response, long sentAt, TimeProvider time, TimeSpan timeout,
    CancellationTokenSource deadline, CancellationTokenSource linked, CancellationToken caller) : IDisposable
{
    /// <summary>The most of a (non-streamed) body the check reads: enough for any error message.</summary>
    public const int BodyLimit = 64 * 1024;

    private readonly HttpRequestMessage _request = request;
    private readonly TimeProvider _time = time;
    private readonly CancellationTokenSource _deadline = deadline;
    private readonly CancellationTokenSource _linked = linked;
    private readonly CancellationToken _caller = caller;

    public HttpResponseMessage Response { get; } = response;

    public int Status => (int)Response.StatusCode;

    /// <summary>When the request was sent (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long SentAt { get; } = sentAt;

    /// <summary>The request's deadline.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Ends with the request's deadline or the caller's cancellation.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Time since the request was sent.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(SentAt);

    /// <summary>A response (or content) header's values joined with <c>,</c>; null when absent.</summary>
    public string? Header(string name) =>
        Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    /// <summary>The body as text, at most <see cref="BodyLimit"/> characters.</summary>
    public Task<string> ReadBodyAsync() => WithinDeadlineAsync(async token =>
    {
        using var reader = new StreamReader(await Response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), Encoding.UTF8);
        var buffer = new char[BodyLimit];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), token).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return new string(buffer, 0, read);
    });

    /// <summary>The body and the error it carries, for explaining a non-success status.</summary>
    public async Task<HttpAnswer> ReadAnswerAsync() => HttpAnswer.From(this, await ReadBodyAsync().ConfigureAwait(false));

    /// <summary>Runs a read of the response under the deadline, turning the deadline into <see cref="CheckTimeoutException"/>.</summary>
    public async Task<T> WithinDeadlineAsync<T>(Func<CancellationToken, Task<T>> read)
    {
        try
        {
            return await read(Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested && !_caller.IsCancellationRequested)
        {
            throw new CheckTimeoutException(Timeout);
        }
    }

    public void Dispose()
    {
        Response.Dispose();
        _request.Dispose();
        _linked.Dispose();
        _deadline.Dispose();
    }
}
