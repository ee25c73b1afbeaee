using System.Security.Cryptography;
using System.Text;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// The accepted API keys (<c>Proxy:ApiKeys</c> and <c>Proxy:Keys</c>), held only as SHA-256 hashes. A presented key is
/// hashed and compared with every stored hash in constant time, so neither timing nor an early exit tells an attacker
/// how close a guess was.
/// </summary>
public sealed class ApiKeyStore
{
    private static readonly KeyOptions Defaults = new();
    private readonly (byte[] Hash, ApiKeyIdentity Identity)[] _keys;

    public ApiKeyStore(IOptions<ProxyOptions> options)
    {
        var proxy = options.Value;
        var keys = new List<(byte[], ApiKeyIdentity)>();
        for (var i = 0; i < proxy.ApiKeys.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(proxy.ApiKeys[i]))
            {
                var hash = KeyHashes.Of(proxy.ApiKeys[i]);
                keys.Add((hash, new ApiKeyIdentity($"ApiKeys:{i}", KeyId(hash), Defaults)));
            }
        }
        foreach (var (name, key) in proxy.Keys)
        {
            var hash = key.Key is { Length: > 0 } plain ? KeyHashes.Of(plain)
                : KeyHashes.TryParse(key.KeyHash, out var configured) ? configured
                : null;
            if (hash is not null)
            {
                keys.Add((hash, new ApiKeyIdentity(name, KeyId(hash), key)));
            }
        }
        _keys = [.. keys];
    }

    /// <summary>Checks a presented key; on success, <paramref name="identity"/> says which key it is (never the key itself).</summary>
    public bool TryMatch(ReadOnlySpan<char> presented, out ApiKeyIdentity? identity)
    {
        Span<byte> utf8 = presented.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);

        identity = null;
        for (var i = 0; i < _keys.Length; i++)
        {
            // No early exit: every stored hash is compared.
            if (CryptographicOperations.FixedTimeEquals(hash, _keys[i].Hash))
            {
                identity = _keys[i].Identity;
            }
        }
        return identity is not null;
    }

    /// <summary>A stable, non-reversible name for a key: the first 6 bytes of its hash. Safe for logs and cache partitions.</summary>
    public static string KeyId(byte[] hash) => "key-" + Convert.ToHexStringLower(hash.AsSpan(0, 6));
}
