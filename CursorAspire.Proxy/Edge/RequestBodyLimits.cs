using Microsoft.AspNetCore.Http.Features;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Edge;

/// <summary>Reads a JSON request body under the configured size limit.</summary>
public static class RequestBodyLimits
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256, AllowTrailingCommas = true };

    /// <summary>
    /// Rejects by <c>Content-Length</c> before a byte is read (so an <c>Expect: 100-continue</c> client never uploads),
    /// then parses with the limit enforced by the server for chunked bodies.
    /// </summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength == 0)
        {
            throw new ProxyException(StatusCodes.Status400BadRequest, "The request body is empty; send a JSON object.", OpenAIError.InvalidRequest, "invalid_json");
        }
        var document = await JsonDocument.ParseAsync(context.Request.Body, DocumentOptions, context.RequestAborted).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new ProxyException(StatusCodes.Status400BadRequest, "The request body must be a JSON object.", OpenAIError.InvalidRequest, "invalid_json");
        }
        return document;
    }

    public static ProxyException TooLarge(long? limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        limit is { } l
            ? $"The request body is larger than the proxy's limit of {l:N0} bytes. Raise Proxy:MaxRequestBodyBytes if this is a real conversation."
            : "The request body is larger than the proxy's limit. Raise Proxy:MaxRequestBodyBytes if this is a real conversation.",
        OpenAIError.InvalidRequest,
        "request_too_large");
}
