using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Errors;

/// <summary>Writes OpenAI's error body: <c>{"error":{"message","type","code","param"}}</c>.</summary>
public static class OpenAIError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_error";
    public const string Upstream = "upstream_error";
    public const string Server = "server_error";

    public static async Task WriteAsync(HttpContext context, int statusCode, string message, string type, string? code = null, string? param = null)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(response.BodyWriter, WireJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            WriteStringOrNull(json, "code", code);
            WriteStringOrNull(json, "param", param);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteAsync(HttpContext context, ProxyException error)
    {
        if (error.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        return WriteAsync(context, error.StatusCode, error.Message, error.Type, error.Code, error.Param);
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
