using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CursorAspire.Contracts;

/// <summary>
/// The proof that a request marked with <see cref="CheckRequestHeader"/> comes from "Check as Cursor" run by whoever
/// holds the check secret (the AppHost generates it, keeps it in user secrets as <c>Parameters:check-secret</c>, and
/// gives it to the proxy as <c>Proxy:CheckSecret</c> and to the check it runs). The header
/// <see cref="HeaderName"/> carries <c>v1:&lt;unix seconds&gt;:&lt;nonce&gt;:&lt;HMAC-SHA256&gt;</c>, the HMAC over the
/// version, the time, the nonce and the SHA-256 of the API key the request is sent with.
/// </summary>
/// <remarks>
/// Why a shared secret rather than a key of the check's own: the check must call with the very key pasted into Cursor,
/// or it would not check what Cursor meets (that key's models, budget and limits); the proof only says the call is the
/// check's. The proxy takes a proof within <see cref="MaxAge"/> of its own clock and each nonce once per key, so a
/// proof seen on the wire is worth nothing a second time, and it is bound to the key, so not to another key either.
/// </remarks>
public static class CheckProof
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "x-cursoraspire-check-proof";

    /// <summary>How far a proof's time may be from the proxy's clock, either way.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private const string Version = "v1";

    /// <summary>A fresh proof for one request.</summary>
    /// <param name="secret">The check secret.</param>
    /// <param name="apiKey">The API key the request is sent with.</param>
    /// <param name="now">The time it is sent.</param>
    /// <returns>The header's value.</returns>
    public static string Create(string secret, string apiKey, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(apiKey);
        var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetHexString(32, lowercase: true);
        return $"{Version}:{seconds}:{nonce}:{Signature(secret, apiKey, seconds, nonce)}";
    }

    /// <summary>Checks a proof: signed with <paramref name="secret"/> for <paramref name="apiKey"/>, and recent.</summary>
    /// <param name="secret">The check secret.</param>
    /// <param name="apiKey">The API key the request came with.</param>
    /// <param name="proof">The header's value.</param>
    /// <param name="now">The receiver's clock.</param>
    /// <param name="nonce">The proof's nonce, which the receiver accepts once.</param>
    /// <returns>Whether the proof is valid (its nonce not yet checked for reuse).</returns>
    public static bool TryVerify(string secret, string apiKey, string? proof, DateTimeOffset now, out string nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(apiKey);
        nonce = string.Empty;
        var parts = proof?.Split(':');
        if (parts is not [Version, var seconds, var claimedNonce, var signature]
            || claimedNonce.Length != 32 || signature.Length != 64
            || !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            || unix > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(unix)).Duration() > MaxAge)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Signature(secret, apiKey, seconds, claimedNonce));
        var given = Encoding.ASCII.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return false;
        }
        nonce = claimedNonce;
        return true;
    }

    private static string Signature(string secret, string apiKey, string seconds, string nonce)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        var message = Encoding.UTF8.GetBytes($"{Version}:{seconds}:{nonce}:{key}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
