using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using CursorAspire.Proxy.Storage;
using Microsoft.Extensions.Caching.Distributed;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>
/// Keeps reasoning in the proxy's <see cref="StateStore"/> (Redis under the AppHost), keyed by the caller's key
/// identity and a tool call id: another key's call ids find nothing.
/// </summary>
/// <remarks>
/// One entry per call id of a turn (parallel calls share the same bytes), so a later request finds it from any of
/// the calls it names. Entries carry a format version; an entry of another version reads as missing.
/// </remarks>
public sealed class ReasoningStore(StateStore store, IOptions<ReasoningOptions> options, TimeProvider time)
{
    private const int FormatVersion = 1;
    private readonly ReasoningOptions _options = options.Value;

    /// <summary>Stores <paramref name="reasoning"/> under each of <paramref name="callIds"/>. False when it is over the size cap.</summary>
    public async Task<bool> SaveAsync(string keyId, IReadOnlyCollection<string> callIds, StoredReasoning reasoning, CancellationToken cancellationToken)
    {
        var bytes = Serialize(reasoning);
        if (bytes.Length > _options.MaxBytes)
        {
            return false;
        }
        var entry = new DistributedCacheEntryOptions { AbsoluteExpiration = time.GetUtcNow() + _options.Ttl };
        await Task.WhenAll(callIds.Select(id => store.SetAsync(Key(keyId, id), bytes, entry, cancellationToken).AsTask())).ConfigureAwait(false);
        return true;
    }

    /// <summary>The reasoning stored by <paramref name="keyId"/> with <paramref name="callId"/>; null when there is none.</summary>
    public async Task<StoredReasoning?> LoadAsync(string keyId, string callId, CancellationToken cancellationToken)
    {
        var bytes = await store.GetAsync(Key(keyId, callId), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Deserialize(bytes);
    }

    internal static byte[] Serialize(StoredReasoning reasoning)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", FormatVersion);
            json.WriteString("provider", reasoning.Provider);
            json.WriteStartArray("items");
            foreach (var item in reasoning.Items)
            {
                json.WriteStartObject();
                json.WriteString("text", item.Text);
                if (item.ProtectedData is { } data)
                {
                    json.WriteString("protected", data);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    internal static StoredReasoning? Deserialize(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (!root.TryGetProperty("v", out var version) || version.GetInt32() != FormatVersion)
        {
            return null;
        }
        var items = new List<TextReasoningContent>();
        foreach (var item in root.GetProperty("items").EnumerateArray())
        {
            items.Add(new TextReasoningContent(item.GetProperty("text").GetString())
            {
                ProtectedData = item.TryGetProperty("protected", out var data) ? data.GetString() : null,
            });
        }
        return new StoredReasoning(root.GetProperty("provider").GetString()!, items);
    }

    // The key id is a hash prefix of the API key (never the key); call ids can be long, so they are hashed too.
    // Every request looks up each tool-call turn of its history: hashed on the stack, so a lookup makes only the key.
    private static string Key(string keyId, string callId)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(callId.Length);
        Span<byte> utf8 = maxBytes <= 256 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(callId, utf8)], hash);
        Span<char> hex = stackalloc char[32];
        Convert.TryToHexStringLower(hash[..16], hex, out _);
        return $"cursoraspire:reasoning:{keyId}:{(ReadOnlySpan<char>)hex}";
    }
}
