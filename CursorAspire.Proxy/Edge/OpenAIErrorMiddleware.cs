using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// The one place a failure becomes an HTTP answer: every exception that escapes an endpoint before the response
/// started is written in OpenAI's error shape with a status that says whose fault it was. Never a stack trace.
/// </summary>
public sealed class OpenAIErrorMiddleware(RequestDelegate next, ILogger<OpenAIErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client went away; nobody is left to answer.
            logger.LogDebug("Client disconnected from {Path}.", context.Request.Path);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var error = Translate(ex);
            if (error.StatusCode >= 500)
            {
                logger.LogWarning(ex, "Request to {Path} failed with {Status}: {Message}", context.Request.Path, error.StatusCode, CallerText.Cap(error.Message, CallerText.MaxMessageLength));
            }
            else
            {
                logger.LogInformation("Request to {Path} rejected with {Status}: {Message}", context.Request.Path, error.StatusCode, CallerText.Cap(error.Message, CallerText.MaxMessageLength));
            }
            context.Response.Clear();
            await OpenAIError.WriteAsync(context, error).ConfigureAwait(false);
        }
    }

    private static ProxyException Translate(Exception ex) => ex switch
    {
        ProxyException proxy => proxy,
        WireFormatException wire => new ProxyException(StatusCodes.Status400BadRequest, wire.Message, OpenAIError.InvalidRequest, "invalid_request", wire.Param),
        JsonException json => new ProxyException(StatusCodes.Status400BadRequest,
            $"The request body is not valid JSON ({json.Message}).", OpenAIError.InvalidRequest, "invalid_json"),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => RequestBodyLimits.TooLarge(null),
        BadHttpRequestException bad => new ProxyException(bad.StatusCode, $"Bad request: {bad.Message}", OpenAIError.InvalidRequest, "bad_request"),
        _ => new ProxyException(StatusCodes.Status500InternalServerError,
            "CursorAspire hit an internal error; the details are in the proxy's log.", OpenAIError.Server, "internal_error"),
    };
}
