using System.Buffers;
using System.Text.Json;
using CursorAspire.Proxy.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Keeps stored responses in the proxy's <see cref="StateStore"/> (Redis when configured, memory otherwise), partitioned
/// by the API key that created them: another key's response id is simply not found. A store that is down surfaces as
/// <see cref="StateStoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// Messages are serialised with <see cref="AIJsonUtilities.DefaultOptions"/>, which knows the polymorphism of
/// <see cref="ChatMessage"/> contents (text, reasoning, function calls and results, images). The entry is a small JSON
/// envelope with a format version so a later change of shape reads old entries as missing, not as garbage.
/// </remarks>
public sealed class ConversationStore(StateStore store, IOptions<ConversationOptions> options, TimeProvider time)
{
    private const int FormatVersion = 1;
    private readonly TimeSpan _ttl = options.Value.Ttl;

    /// <summary>Stores a response for <paramref name="keyId"/> for the configured TTL.</summary>
    public Task SaveAsync(string keyId, StoredResponse response, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", FormatVersion);
            json.WriteString("id", response.ResponseId);
            json.WriteString("model", response.Model);
            json.WritePropertyName("messages");
            JsonSerializer.Serialize(json, response.Messages, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IReadOnlyList<ChatMessage>)));
            json.WriteString("response", response.ResponseJson);
            json.WriteEndObject();
        }
        var entry = new DistributedCacheEntryOptions { AbsoluteExpiration = time.GetUtcNow() + _ttl };
        return store.SetAsync(Key(keyId, response.ResponseId), buffer.WrittenSpan.ToArray(), entry, cancellationToken).AsTask();
    }

    /// <summary>Loads a response stored by <paramref name="keyId"/>; null when unknown, expired or stored by another key.</summary>
    public async Task<StoredResponse?> LoadAsync(string keyId, string responseId, CancellationToken cancellationToken)
    {
        var bytes = await store.GetAsync(Key(keyId, responseId), cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (!root.TryGetProperty("v", out var version) || version.GetInt32() != FormatVersion)
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
            root.GetProperty("response").GetString()!);
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

    // The key id is a hash prefix of the API key (ApiKeyStore.KeyId), never the key itself.
    private static string Key(string keyId, string responseId) => $"cursoraspire:conversation:{keyId}:{responseId}";
}
