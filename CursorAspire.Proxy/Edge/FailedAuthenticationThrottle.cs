using System.Globalization;
using CursorAspire.Proxy.Errors;
using Microsoft.AspNetCore.Authorization;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Refuses, before any key is looked at, requests from a client address that failed authentication too often this
/// minute (<see cref="FailedAuthentications"/>). Anonymous endpoints (health, status page) are never throttled.
/// </summary>
public sealed class FailedAuthenticationThrottle(RequestDelegate next, FailedAuthentications failures)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null || failures.ThrottledFor(ClientAddress.Of(context)) is not { } wait)
        {
            return next(context);
        }
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return OpenAIError.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            "Too many requests with a wrong or missing API key from this address. Wait a minute, then check the key in Cursor's settings.",
            OpenAIError.RateLimit, "too_many_failed_authentications");
    }
}
