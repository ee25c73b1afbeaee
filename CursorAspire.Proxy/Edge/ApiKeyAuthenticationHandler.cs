using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CursorAspire.Proxy.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Net.Http.Headers;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> against <see cref="ApiKeyStore"/>. A failed check answers 401 in OpenAI's
/// error shape with a message Cursor shows the user, and counts against the caller's address
/// (<see cref="FailedAuthentications"/>); once that address failed too often this minute, a wrong or missing key gets
/// 429 instead. A right key is never refused for its address: every Cursor user's calls come from Cursor's servers, so
/// a stranger's wrong keys must not lock the owner out. The key itself is never logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore keys,
    FailedAuthentications failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Claim carrying <see cref="ApiKeyIdentity.Id"/>: the caller's identity for cache and conversation scoping.</summary>
    public const string KeyIdClaim = "cursoraspire:key_id";

    /// <summary>Claim carrying <see cref="ApiKeyIdentity.Name"/>.</summary>
    public const string KeyNameClaim = "cursoraspire:key_name";

    /// <summary>The authenticated caller's key identity: scopes cached answers and stored conversations.</summary>
    public static string KeyId(HttpContext context) =>
        context.User.FindFirst(KeyIdClaim)?.Value ?? string.Empty;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var presented = header.AsSpan().Trim();
        if (presented.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = presented["Bearer ".Length..].Trim();
        }
        if (!keys.TryMatch(presented, out var identity))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not one of the proxy's keys."));
        }
        identity!.AttachTo(Context);
        var claims = new ClaimsIdentity([new Claim(KeyIdClaim, identity.Id), new Claim(KeyNameClaim, identity.Name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(claims), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = !string.IsNullOrEmpty(Request.Headers[HeaderNames.Authorization].ToString());
        if (await failures.RecordAsync(ClientAddress.Of(Context), presented ? "invalid" : "missing", Context.RequestAborted).ConfigureAwait(false) is { } wait)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await OpenAIError.WriteAsync(Context, StatusCodes.Status429TooManyRequests,
                "Too many requests with a wrong or missing API key from this address. Wait a minute, then check the key in Cursor's settings.",
                OpenAIError.RateLimit, "too_many_failed_authentications").ConfigureAwait(false);
            return;
        }
        var message = presented
            ? "Invalid API key. In Cursor, set Settings > Models > OpenAI API Key to one of the proxy's keys (Proxy:ApiKeys or Proxy:Keys)."
            : "Missing API key. In Cursor, set Settings > Models > OpenAI API Key to one of the proxy's keys (Proxy:ApiKeys or Proxy:Keys); it is sent as 'Authorization: Bearer <key>'.";
        Response.Headers.WWWAuthenticate = "Bearer";
        await OpenAIError.WriteAsync(Context, StatusCodes.Status401Unauthorized, message, OpenAIError.Authentication, "invalid_api_key").ConfigureAwait(false);
    }
}
