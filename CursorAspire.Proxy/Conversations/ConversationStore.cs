using System.Buffers;
using CursorAspire.Proxy.Storage;
using Microsoft.Extensions.Caching.Distributed;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Keeps stored responses in the proxy's <see cref="StateStore"/> (Redis when configured, memory otherwise), partitioned
/// by the API key that created them: another key's response id is simply not found. Each key's stored bytes are held
/// to its limit, oldest turns dropped first (<see cref="StoredBytes"/>). A store that is down surfaces as
/// <see cref="StateStoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// Each turn stores only what it added, with the ids of the turns before it, so storage grows with a conversation's
/// length rather than its square; a conversation is read back with one read per turn, all at once. Messages are
/// serialised with <see cref="AIJsonUtilities.DefaultOptions"/>, which knows the polymorphism of <see cref="ChatMessage"/>
/// contents (text, reasoning, function calls and results, images). Entries carry a format version; version 1 entries
/// (each a whole conversation) are still read.
/// </remarks>
public sealed class ConversationStore(StateStore store, IOptions<ConversationOptions> options, TimeProvider? time = null)
{
    private const int FormatVersion = 2;
    private readonly TimeSpan _ttl = options.Value.Ttl;
    private readonly StoredBytes _bytes = new(store, time ?? TimeProvider.System);

    /// <summary>
    /// Stores a response for <paramref name="keyId"/> until the configured TTL passes unused, after the conversation it
    /// continues, then drops the key's oldest other turns while it keeps more than <paramref name="storedBytesLimit"/>.
    /// </summary>
    /// <param name="keyId">The key that made it.</param>
    /// <param name="response">The response and the items its turn added.</param>
    /// <param name="continues">The stored conversation this turn continued, if any.</param>
    /// <param name="storedBytesLimit">What the key may keep in all (<c>Proxy:Keys:&lt;name&gt;:StoredBytes</c>).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The stored size of the whole conversation now.</returns>
    public async Task<long> SaveAsync(string keyId, StoredResponse response, StoredConversation? continues, long storedBytesLimit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", FormatVersion);
            json.WriteString("id", response.ResponseId);
            json.WriteString("model", response.Model);
            json.WriteStartArray("ancestors");
            foreach (var id in continues?.ResponseIds ?? [])
            {
                json.WriteStringValue(id);
            }
            json.WriteEndArray();
            json.WriteNumber("before", continues?.Bytes ?? 0);
            json.WritePropertyName("messages");
            JsonSerializer.Serialize(json, response.Messages, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IReadOnlyList<ChatMessage>)));
            json.WriteString("response", response.ResponseJson);
            json.WriteEndObject();
        }
        // Sliding: every read of a turn (each continuation reads the whole chain) keeps it another Ttl, so a conversation
        // lives until Ttl after its last use, not after its first turn.
        var entry = new DistributedCacheEntryOptions { SlidingExpiration = _ttl };
        await store.SetAsync(StoredBytes.TurnKey(keyId, response.ResponseId), buffer.WrittenSpan.ToArray(), entry, cancellationToken).ConfigureAwait(false);
        await _bytes.CountAsync(keyId, response.ResponseId, buffer.WrittenCount, storedBytesLimit, _ttl,
            [.. continues?.ResponseIds ?? [], response.ResponseId], cancellationToken).ConfigureAwait(false);
        return (continues?.Bytes ?? 0) + buffer.WrittenCount;
    }

    /// <summary>One response stored by <paramref name="keyId"/>; null when unknown, expired or stored by another key.</summary>
    public async Task<StoredResponse?> LoadAsync(string keyId, string responseId, CancellationToken cancellationToken)
    {
        var bytes = await store.GetAsync(StoredBytes.TurnKey(keyId, responseId), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : Read(bytes);
    }

    /// <summary>
    /// The conversation that ends with <paramref name="responseId"/>, every turn root first; null when that response, or
    /// any turn before it, is unknown, expired or another key's.
    /// </summary>
    public async Task<StoredConversation?> LoadConversationAsync(string keyId, string responseId, CancellationToken cancellationToken)
    {
        var last = await LoadAsync(keyId, responseId, cancellationToken).ConfigureAwait(false);
        if (last is null)
        {
            return null;
        }
        var earlier = await Task.WhenAll(last.Ancestors.Select(id => LoadAsync(keyId, id, cancellationToken))).ConfigureAwait(false);
        if (earlier.Any(turn => turn is null))
        {
            return null;
        }
        var messages = new List<ChatMessage>();
        foreach (var turn in earlier)
        {
            messages.AddRange(turn!.Messages);
        }
        messages.AddRange(last.Messages);
        return new StoredConversation(messages, [.. last.Ancestors, last.ResponseId], last.ChainBytes);
    }

    private static StoredResponse? Read(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (!root.TryGetProperty("v", out var version) || version.GetInt32() is not (1 or FormatVersion))
        {
            return null;
        }
        var messages = (IReadOnlyList<ChatMessage>?)root.GetProperty("messages")
            .Deserialize(AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IReadOnlyList<ChatMessage>))) ?? [];
        foreach (var message in messages)
        {
            NormalizeResults(message);
        }
        return new StoredResponse(
            root.GetProperty("id").GetString()!,
            root.GetProperty("model").GetString()!,
            messages,
            root.GetProperty("response").GetString()!)
        {
            Ancestors = root.TryGetProperty("ancestors", out var ancestors) ? [.. ancestors.EnumerateArray().Select(a => a.GetString()!)] : [],
            ChainBytes = (root.TryGetProperty("before", out var before) ? before.GetInt64() : 0) + bytes.Length,
        };
    }

    /// <summary>
    /// A tool result read back is a <see cref="JsonElement"/>; providers send a string result as plain text (the model
    /// must see the file, not JSON), so string results become strings again.
    /// </summary>
    private static void NormalizeResults(ChatMessage message)
    {
        for (var i = 0; i < message.Contents.Count; i++)
        {
            if (message.Contents[i] is FunctionResultContent { Result: JsonElement { ValueKind: JsonValueKind.String } text } result)
            {
                message.Contents[i] = new FunctionResultContent(result.CallId, text.GetString());
            }
        }
    }
}
