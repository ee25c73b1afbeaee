using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Usage;

namespace CursorAspire.Proxy.Endpoints;

/// <summary><c>GET …/v1/usage</c>: the calling key's tokens, estimated cost and savings, today and this month, per model.</summary>
public static class UsageEndpoint
{
    public static Task HandleAsync(HttpContext context, UsageReport report) =>
        JsonResponse.WriteAsync(context, json => report.WriteAsync(json, ApiKeyIdentity.Of(context), context.RequestAborted));
}
