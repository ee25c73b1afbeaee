using System.Buffers;
using System.Net;
using CommunityToolkit.HighPerformance.Buffers;

namespace CursorAspire.Proxy.Providers.Http;

/// <summary>The body in its pooled buffer, sent as it is (its length known up front); the buffer goes back to the pool with the request.</summary>
internal sealed class PooledJsonContent : HttpContent
{
    private readonly ArrayPoolBufferWriter<byte> _body;

    /// <summary>A body's first buffer: an agent request is ~10 KB; the pool hands a larger one when it grows.</summary>
    private const int InitialBodySize = 16 * 1024;

    /// <summary>
    /// The body <paramref name="write"/> writes from <paramref name="state"/> into a pooled buffer; the buffer goes back
    /// to the pool if writing fails. A static <paramref name="write"/> and a value-type state keep it free of per-request
    /// closures.
    /// </summary>
    public static PooledJsonContent Write<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var body = new ArrayPoolBufferWriter<byte>(InitialBodySize);
        try
        {
            write(body, state);
        }
        catch
        {
            body.Dispose();
            throw;
        }
        return new PooledJsonContent(body);
    }

    public PooledJsonContent(ArrayPoolBufferWriter<byte> body)
    {
        _body = body;
        // What StringContent(json, Encoding.UTF8, "application/json") sends.
        Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_body.WrittenMemory).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_body.WrittenMemory, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = _body.WrittenCount;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }
        base.Dispose(disposing);
    }
}
