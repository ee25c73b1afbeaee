using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// The accepted API keys, held only as SHA-256 hashes. A presented key is hashed and compared with every stored
/// hash in constant time, so neither timing nor an early exit tells an attacker how close a guess was.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly byte[][] _hashes;

    public ApiKeyStore(IOptions<ProxyOptions> options)
    {
        _hashes = options.Value.ApiKeys
            .Where(k => !string.IsNullOrWhiteSpace(k))
            .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))
            .ToArray();
    }

    /// <summary>Checks a presented key. On success, <paramref name="keyId"/> names the key without revealing it.</summary>
    public bool TryMatch(ReadOnlySpan<char> presented, out string keyId)
    {
        Span<byte> utf8 = presented.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);

        var matched = -1;
        for (var i = 0; i < _hashes.Length; i++)
        {
            // No early exit: every stored hash is compared.
            if (CryptographicOperations.FixedTimeEquals(hash, _hashes[i]))
            {
                matched = i;
            }
        }
        keyId = matched >= 0 ? KeyId(_hashes[matched]) : string.Empty;
        return matched >= 0;
    }

    /// <summary>A stable, non-reversible name for a key: the first 6 bytes of its hash. Safe for logs and cache partitions.</summary>
    public static string KeyId(byte[] hash) => "key-" + Convert.ToHexStringLower(hash.AsSpan(0, 6));
}
