using Microsoft.Net.Http.Headers;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Tells a proven "Check as Cursor" request from one that only carries the marker: the marker
/// (<see cref="CheckRequestHeader"/>) counts only with a valid <see cref="CheckProof"/> signed with
/// <c>Proxy:CheckSecret</c> for the key the request came with. Without a secret configured, or without a valid proof,
/// a marked request is an ordinary one. The nonce's single use is enforced where the check's tokens are reserved
/// (<c>UsageLedger.ReserveAsync</c>), in the same step.
/// </summary>
public sealed partial class CheckProofs(IOptions<EdgeOptions> options, TimeProvider time, ILogger<CheckProofs> logger)
{
    /// <summary>How long a used nonce is remembered: longer than a proof is accepted either side of now.</summary>
    public static readonly TimeSpan NonceLifetime = 2 * CheckProof.MaxAge;

    private readonly string? _secret = options.Value.CheckSecret is { Length: > 0 } secret ? secret : null;

    /// <summary>The nonce of a proven check request, or null for any other request (marked or not).</summary>
    public string? ProvenNonce(HttpContext context)
    {
        if (!CheckRequestHeader.IsPresent(context))
        {
            return null;
        }
        var presented = PresentedKey(context.Request.Headers[HeaderNames.Authorization].ToString());
        if (_secret is not null && CheckProof.TryVerify(_secret, presented, context.Request.Headers[CheckProof.HeaderName], time.GetUtcNow(), out var nonce))
        {
            return nonce;
        }
        LogUnproven(logger, _secret is null ? "Proxy:CheckSecret is not set" : "the proof is missing, old or wrong");
        return null;
    }

    // The key as authentication read it: "Bearer <key>", trimmed.
    private static string PresentedKey(string header)
    {
        var presented = header.AsSpan().Trim();
        if (presented.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = presented["Bearer ".Length..].Trim();
        }
        return presented.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A request marked as the Cursor check came without a valid proof ({Reason}); it counts like any other request.")]
    private static partial void LogUnproven(ILogger logger, string reason);
}
