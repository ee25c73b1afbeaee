using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// The one place a failure becomes an HTTP answer: every exception that escapes an endpoint before the response
/// started is written in OpenAI's error shape with a status that says whose fault it was. Never a stack trace.
/// </summary>
public sealed partial class OpenAIErrorMiddleware(RequestDelegate next, ILogger<OpenAIErrorMiddleware> logger)
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
            LogDisconnected(logger, context.Request.Path);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var error = Translate(ex);
            if (error.StatusCode >= 500)
            {
                LogFailed(logger, ex, context.Request.Path, error.StatusCode, CallerText.Cap(error.Message, CallerText.MaxMessageLength));
            }
            else if (logger.IsEnabled(LogLevel.Information))
            {
                var message = CallerText.Cap(error.Message, CallerText.MaxMessageLength);
                LogRejected(logger, context.Request.Path, error.StatusCode, message);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client disconnected from {Path}.")]
    private static partial void LogDisconnected(ILogger logger, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request to {Path} failed with {Status}: {Message}")]
    private static partial void LogFailed(ILogger logger, Exception exception, PathString path, int status, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request to {Path} rejected with {Status}: {Message}")]
    private static partial void LogRejected(ILogger logger, PathString path, int status, string message);
}
