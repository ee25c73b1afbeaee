using Anthropic.Exceptions;
using OllamaSharp.Models.Exceptions;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Providers.Http;

namespace CursorAspire.Proxy.Providers;

/// <summary>
/// Maps an upstream failure that happened before the first byte reached the client to a status and a message the
/// user can act on: the upstream's own 4xx/429 (with its message and <c>Retry-After</c>) passes through; an
/// unreachable upstream is 502, an overloaded one 503, a slow one 504. Every word that came from the upstream or its
/// client library is cleaned first (<see cref="UpstreamText"/>): no address of ours, no fragment of a key.
/// </summary>
public static class UpstreamErrors
{
    /// <summary>Maps a failure of <paramref name="route"/>'s upstream call.</summary>
    public static ProxyException Map(Exception ex, ModelRoute route) =>
        route.Provider.Kind == ProviderKind.Ollama && IsRefused(ex)
            ? OllamaNotRunning(ex, route)
            : Map(ex, route.ProviderName, route.UpstreamModel);

    public static ProxyException Map(Exception ex, string providerName, string upstreamModel)
    {
        switch (ex)
        {
            case ProxyException proxy:
                return proxy;
            case AnthropicIOException { InnerException: { } inner }:
                // The Anthropic SDK wraps what its HTTP pipeline threw (UpstreamErrorBodyHandler's status, a refused connection).
                return Map(inner, providerName, upstreamModel);
            case AnthropicApiException anthropic:
                return FromStatus((int)anthropic.StatusCode, anthropic.ApiMessage ?? anthropic.Message, providerName, upstreamModel, null);
            case AnthropicSseException sse:
                // An error event before the first token (e.g. overloaded_error): the API is busy, not broken.
                return new ProxyException(StatusCodes.Status503ServiceUnavailable,
                    $"Provider '{providerName}' failed for model '{upstreamModel}': {UpstreamText.Clean(sse.ApiMessage ?? sse.Message)}",
                    OpenAIError.Upstream, "upstream_unavailable", inner: ex);
            case UpstreamHttpException upstream:
                return FromStatus((int)upstream.StatusCode!, upstream.Message, providerName, upstreamModel, upstream.RetryAfter);
            case HttpRequestException { StatusCode: { } status } http:
                return FromStatus((int)status, http.Message, providerName, upstreamModel, null);
            case HttpRequestException:
                return new ProxyException(StatusCodes.Status502BadGateway,
                    $"Cannot reach provider '{providerName}' ({UpstreamText.Clean(ex.Message)}). Check that it is running and that Proxy:Providers:{providerName}:Endpoint is right.",
                    OpenAIError.Upstream, "upstream_unreachable", inner: ex) { ProviderWide = IsUnreachable(ex) };
            case ResponseError or OllamaException:
                // OllamaSharp surfaces Ollama's {"error": "..."} body as the message.
                var notFound = ex.Message.Contains("not found", StringComparison.OrdinalIgnoreCase);
                return new ProxyException(notFound ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway,
                    notFound
                        ? $"Ollama does not have model '{upstreamModel}' ({UpstreamText.Clean(ex.Message)}). Pull it (`ollama pull {upstreamModel}`) or declare it under Ollama:Models in the AppHost."
                        : $"Ollama ('{providerName}') failed: {UpstreamText.Clean(ex.Message)}",
                    notFound ? OpenAIError.NotFound : OpenAIError.Upstream, notFound ? "model_not_found" : "upstream_error", notFound ? "model" : null, ex);
            case TimeoutException or TaskCanceledException:
                return new ProxyException(StatusCodes.Status504GatewayTimeout,
                    $"Provider '{providerName}' did not answer in time for model '{upstreamModel}'.",
                    OpenAIError.Upstream, "upstream_timeout", inner: ex);
            default:
                return new ProxyException(StatusCodes.Status502BadGateway,
                    $"Provider '{providerName}' failed for model '{upstreamModel}': {UpstreamText.Clean(ex.Message)}",
                    OpenAIError.Upstream, "upstream_error", inner: ex);
        }
    }

    private static ProxyException FromStatus(int status, string message, string providerName, string upstreamModel, string? retryAfter)
    {
        var (statusCode, type, code) = status switch
        {
            429 => (429, OpenAIError.RateLimit, "rate_limit_exceeded"),
            401 or 403 => (502, OpenAIError.Upstream, "upstream_auth_failed"),
            404 => (404, OpenAIError.NotFound, "model_not_found"),
            >= 400 and < 500 => (status, OpenAIError.InvalidRequest, "upstream_rejected"),
            503 or 529 => (503, OpenAIError.Upstream, "upstream_unavailable"), // 529: Anthropic's "overloaded"
            504 => (504, OpenAIError.Upstream, "upstream_timeout"),
            _ => (502, OpenAIError.Upstream, "upstream_error"),
        };
        var prefix = status is 401 or 403
            ? $"Provider '{providerName}' rejected the proxy's credentials (check Proxy:Providers:{providerName}:ApiKey{AppHostKeyHint(providerName)})"
            : $"Provider '{providerName}' answered {status} for model '{upstreamModel}'";
        return new ProxyException(statusCode, $"{prefix}: {UpstreamText.Clean(message)}", type, code) { RetryAfter = retryAfter, ProviderWide = status is 401 or 403 };
    }

    /// <summary>
    /// Ollama refused the connection: nothing listens at its address, so it is not running (the AppHost gives it a port
    /// of its own precisely so that a dead Ollama refuses at once instead of leaving the request hanging). 503, because
    /// under the AppHost it is being started again; the message says where to look.
    /// </summary>
    private static ProxyException OllamaNotRunning(Exception ex, ModelRoute route) =>
        new(StatusCodes.Status503ServiceUnavailable,
            // Not the endpoint itself: the proxy's own addresses are not for its clients.
            $"Ollama is not running: nothing accepts connections at its address (Proxy:Providers:{route.ProviderName}:Endpoint, model '{route.UpstreamModel}'). "
            + $"Under the AppHost, the dashboard's '{route.ProviderName}' row shows why it stopped (its state and console log) and starts it again "
            + "within seconds; run on its own, start it with `ollama serve`.",
            OpenAIError.Upstream, "upstream_unavailable", inner: ex) { ProviderWide = true };

    /// <summary>Whether the connection itself failed: refused, no route, or the name did not resolve.</summary>
    private static bool IsUnreachable(Exception ex) =>
        Inner<HttpRequestException>(ex) is { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    private static bool IsRefused(Exception ex) =>
        Inner<System.Net.Sockets.SocketException>(ex) is { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    private static T? Inner<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    // The AppHost sets its own providers' keys from its parameters: name the setting the user actually changes there.
    private static string AppHostKeyHint(string providerName) =>
        providerName is "openai" or "anthropic" ? $"; under the AppHost, Parameters:{providerName}-api-key" : string.Empty;
}
