using System.Security.Cryptography;

namespace CursorAspire.TestUpstreams;

/// <summary>
/// The stand-in's thinking signatures and redacted-thinking payloads: opaque to clients (long base64, like the real
/// ones) and checkable by the stand-in, so a block that comes back altered, or one the stand-in never issued, is refused.
/// </summary>
/// <remarks>
/// Deterministic, so fixtures can carry blocks the stand-in accepts: a signature is the base64 of three chained SHA-512
/// digests of <c>"standin-thinking-v1\n" + thinking</c> (192 bytes, 256 characters); redacted data is the base64 of the
/// SHA-512 of <c>"standin-redacted-v1\n" + payload</c> followed by the payload's UTF-8 bytes.
/// </remarks>
internal static class AnthropicSignatures
{
    private const int DigestLength = 64;

    public static string Sign(string thinking)
    {
        var first = SHA512.HashData(Encoding.UTF8.GetBytes("standin-thinking-v1\n" + thinking));
        var second = SHA512.HashData(first);
        var third = SHA512.HashData(second);
        return Convert.ToBase64String([.. first, .. second, .. third]);
    }

    public static string Redact(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Convert.ToBase64String([.. Digest(bytes), .. bytes]);
    }

    public static bool IsRedactedData(string data)
    {
        var buffer = new byte[(data.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(data, buffer, out var length) || length <= DigestLength)
        {
            return false;
        }
        return Digest(buffer.AsSpan(DigestLength, length - DigestLength).ToArray()).AsSpan().SequenceEqual(buffer.AsSpan(0, DigestLength));
    }

    private static byte[] Digest(byte[] payload) => SHA512.HashData([.. "standin-redacted-v1\n"u8, .. payload]);
}
