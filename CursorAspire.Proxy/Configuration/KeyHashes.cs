using System.Security.Cryptography;
using System.Text;

namespace CursorAspire.Proxy.Configuration;

/// <summary>The <c>sha256:&lt;hex&gt;</c> form of a key (<see cref="KeyOptions.KeyHash"/>), and hashing a presented key to compare with it.</summary>
public static class KeyHashes
{
    private const string Prefix = "sha256:";

    /// <summary>Parses <c>sha256:&lt;64 hex digits&gt;</c> (either case).</summary>
    public static bool TryParse(string? value, out byte[] hash)
    {
        hash = [];
        if (value is null || !value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || value.Length != Prefix.Length + 2 * SHA256.HashSizeInBytes)
        {
            return false;
        }
        try
        {
            hash = Convert.FromHexString(value.AsSpan(Prefix.Length));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The SHA-256 of a key's UTF-8 bytes.</summary>
    public static byte[] Of(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
