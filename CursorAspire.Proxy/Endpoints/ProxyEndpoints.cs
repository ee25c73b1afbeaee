using CursorAspire.Proxy.Edge;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Rewrite;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>The HTTP surface: where each request lands.</summary>
public static class ProxyEndpoints
{
    /// <summary>
    /// Cursor appends <c>/chat/completions</c> and <c>/models</c> to the base URL exactly as the user typed it, so these
    /// paths are served under any prefix: everything ending in them is rewritten to the <c>/v1</c> routes.
    /// </summary>
    public static RewriteOptions AnyPrefixRewrite() => new RewriteOptions()
        .Add(new CanonicalPathRule())
        .AddRewrite(@"^(?:.*/)?(chat/completions|models|responses|usage)/?$", "v1/$1", skipRemainingRules: true);

    public static IEndpointRouteBuilder MapProxyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1")
            .RequireAuthorization()
            .RequireRateLimiting(PerKeyRateLimiting.PolicyName)
            .RequireCors(EdgeServiceCollectionExtensions.CursorCorsPolicy);
        v1.MapPost("/chat/completions", (HttpContext context, ChatCompletionsEndpoint endpoint) => endpoint.HandleAsync(context))
            .WithName("ChatCompletions");
        v1.MapPost("/responses", (HttpContext context, ResponsesEndpoint endpoint) => endpoint.HandleAsync(context))
            .WithName("Responses");
        v1.MapGet("/responses/{responseId}", (HttpContext context, string responseId, ResponsesEndpoint endpoint) => endpoint.HandleGetAsync(context, responseId))
            .WithName("GetResponse");
        v1.MapGet("/models", ModelsEndpoint.HandleAsync).WithName("Models");
        v1.MapGet("/usage", UsageEndpoint.HandleAsync).WithName("Usage");

        endpoints.MapGet("/", StatusEndpoint.Handle).AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// A preflight is answered by the CORS middleware before this; any other OPTIONS, on any path, gets the same
    /// 204 and never a 401. (A catch-all OPTIONS route would turn every unknown GET into a 405.)
    /// </summary>
    public static Task AnswerOptions(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>Unknown paths and wrong methods get OpenAI's error shape rather than an empty body.</summary>
    public static Task WriteStatusCodeErrorAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var message = status switch
        {
            StatusCodes.Status404NotFound => $"No such endpoint: {http.Request.Method} {http.Request.Path}. CursorAspire serves POST …/chat/completions, GET …/models and POST …/responses.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
            _ => $"Request failed with status {status}.",
        };
        return OpenAIError.WriteAsync(http, status, message, status == 404 ? OpenAIError.NotFound : OpenAIError.InvalidRequest);
    }
}
