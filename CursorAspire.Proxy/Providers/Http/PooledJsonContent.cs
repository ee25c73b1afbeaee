using CommunityToolkit.HighPerformance.Buffers;
using System.Net;

namespace CursorAspire.Proxy.Providers.Http;

/// <summary>The body in its pooled buffer, sent as it is (its length known up front); the buffer goes back to the pool with the request.</summary>
internal sealed class PooledJsonContent : HttpContent
{
    private readonly ArrayPoolBufferWriter<byte> _body;

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
