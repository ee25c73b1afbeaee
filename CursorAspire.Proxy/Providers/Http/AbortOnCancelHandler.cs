using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Providers.Http;

/// <summary>
/// Closes an upstream response as soon as the client that asked for it disconnects, or the proxy's own deadline for
/// the call passes (<see cref="ChatCallContext.CallToken"/>). Some clients (OllamaSharp) read a stream without passing the token to each
/// read, and HttpClient stops watching the caller's token once the headers are in, so without this a cancelled stream
/// leaves the model generating to the end. Disposing the response aborts the pending read and, with
/// <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> 0, closes the connection: the upstream sees the abort at once.
/// </summary>
/// <remarks>
/// The tokens are the inbound request's and its call context's (found on the request's features, where the intake put
/// it), not the token this handler is given: that one belongs to whichever client sits above, which may cancel it for
/// reasons of its own.
/// </remarks>
public sealed class AbortOnCancelHandler(IHttpContextAccessor httpContextAccessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var inbound = httpContextAccessor.HttpContext;
        var clientAborted = inbound?.RequestAborted ?? CancellationToken.None;
        var callCancelled = inbound?.Features.Get<ChatCallContext>()?.CallToken ?? CancellationToken.None;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // Each lives as long as its source; disposing an already-finished response is harmless.
        foreach (var token in (ReadOnlySpan<CancellationToken>)[clientAborted, callCancelled])
        {
            if (token.CanBeCanceled)
            {
                token.UnsafeRegister(static state => ((HttpResponseMessage)state!).Dispose(), response);
            }
        }
        return response;
    }
}
