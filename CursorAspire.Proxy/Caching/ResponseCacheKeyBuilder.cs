using System.Security.Cryptography;
using System.Text.Encodings.Web;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Caching;

// Over 300 lines because the key's canonical form is one list of everything that shapes an answer, kept in one file
// so that nothing is left out of the key unnoticed.

/// <summary>
/// Computes the cache key of a routed request: the SHA-256 (lowercase hex) of a canonical JSON form of everything
/// that shapes the upstream's answer, plus the caller's partition.
/// </summary>
/// <remarks>
/// In the key: partition, provider, upstream model, streaming or not, messages (role, author name, text, reasoning
/// text, tool calls with ids/names/arguments, tool results, the SHA-256 of inline data such as images, URIs),
/// instructions, tools (name, description, JSON schema, return schema, additional properties), tool mode,
/// multiple-tool-calls switch, temperature, top-p, top-k, max output tokens, penalties, seed, stop sequences,
/// response format (with schema), reasoning options, background-responses switch, and every other entry of
/// <see cref="ChatOptions.AdditionalProperties"/> in ordinal key order.
/// Not in the key: <see cref="ChatOptions.ConversationId"/>, continuation tokens, message and response ids,
/// timestamps, <see cref="ChatOptions.RawRepresentationFactory"/> (it cannot be inspected), and the request
/// metadata entries in <see cref="IgnoredAdditionalProperties"/>.
/// </remarks>
internal static class ResponseCacheKeyBuilder
{
    /// <summary>Bump when the canonical form changes, so old entries are never read with new meaning.</summary>
    private const string FormatVersion = "cursoraspire.cache.key/1";

    /// <summary>Option entries that identify the request or the caller rather than shape the answer.</summary>
    internal static readonly IReadOnlySet<string> IgnoredAdditionalProperties = new HashSet<string>(StringComparer.Ordinal)
    {
        "user",
        "metadata",
        "store",
        "stream_options",
        "prompt_cache_key",
        "prompt_cache_retention",
        "safety_identifier",
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep the canonical bytes independent of escaping choices for non-ASCII text.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    // One typed writer per kind of option value: the options' values never go through object, so writing them
    // allocates nothing on the per-request path.
    private static readonly Action<Utf8JsonWriter, string> StringValue = static (w, value) => w.WriteStringValue(value);
    private static readonly Action<Utf8JsonWriter, bool> BooleanValue = static (w, value) => w.WriteBooleanValue(value);
    private static readonly Action<Utf8JsonWriter, float> SingleValue = static (w, value) => w.WriteNumberValue(value);
    private static readonly Action<Utf8JsonWriter, int> Int32Value = static (w, value) => w.WriteNumberValue(value);
    private static readonly Action<Utf8JsonWriter, long> Int64Value = static (w, value) => w.WriteNumberValue(value);

    /// <summary>Computes the key for a request.</summary>
    public static string Compute(
        string partition,
        string provider,
        bool streaming,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options)
    {
        using var hashWriter = new HashingBufferWriter();
        using (var w = new Utf8JsonWriter(hashWriter, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("v", FormatVersion);
            w.WriteString("partition", partition);
            w.WriteString("provider", provider);
            w.WriteString("model", options?.ModelId);
            w.WriteBoolean("streaming", streaming);

            w.WriteStartArray("messages");
            foreach (var message in messages)
            {
                WriteMessage(w, message);
            }

            w.WriteEndArray();
            WriteOptions(w, options);
            w.WriteEndObject();
        }

        return hashWriter.GetHexHash();
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role.Value);
        w.WriteString("name", message.AuthorName);
        w.WriteStartArray("contents");
        foreach (var content in message.Contents)
        {
            WriteContent(w, content);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter w, AIContent content)
    {
        w.WriteStartObject();
        switch (content)
        {
            case TextContent text:
                w.WriteString("t", "text");
                w.WriteString("text", text.Text);
                break;
            case TextReasoningContent reasoning:
                w.WriteString("t", "reasoning");
                w.WriteString("text", reasoning.Text);
                w.WriteString("protected", reasoning.ProtectedData);
                break;
            case FunctionCallContent call:
                w.WriteString("t", "call");
                w.WriteString("id", call.CallId);
                w.WriteString("name", call.Name);
                w.WritePropertyName("args");
                if (call.Arguments is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    // Argument order is kept: it is what the model produced and will see again.
                    w.WriteStartObject();
                    foreach (var (name, value) in call.Arguments)
                    {
                        w.WritePropertyName(name);
                        WriteValue(w, value);
                    }

                    w.WriteEndObject();
                }

                break;
            case FunctionResultContent result:
                w.WriteString("t", "result");
                w.WriteString("id", result.CallId);
                w.WritePropertyName("result");
                WriteValue(w, result.Result);
                break;
            case DataContent data:
                // Images can be megabytes; their hash identifies them just as well.
                w.WriteString("t", "data");
                w.WriteString("mediaType", data.MediaType);
                w.WriteString("name", data.Name);
                w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(data.Data.Span)));
                break;
            case UriContent uri:
                w.WriteString("t", "uri");
                w.WriteString("uri", uri.Uri.OriginalString);
                w.WriteString("mediaType", uri.MediaType);
                break;
            default:
                w.WriteString("t", content.GetType().FullName);
                w.WritePropertyName("json");
                WriteValue(w, content, typeof(AIContent));
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter w, ChatOptions? options)
    {
        w.WriteString("instructions", options?.Instructions);

        // Tool order is kept: it is the order the model reads them in.
        WriteArray(w, "tools", options?.Tools, WriteTool);

        w.WritePropertyName("toolMode");
        switch (options?.ToolMode)
        {
            case null:
                w.WriteNullValue();
                break;
            case RequiredChatToolMode required:
                w.WriteStartObject();
                w.WriteString("mode", "required");
                w.WriteString("function", required.RequiredFunctionName);
                w.WriteEndObject();
                break;
            case NoneChatToolMode:
                w.WriteStringValue("none");
                break;
            case AutoChatToolMode:
                w.WriteStringValue("auto");
                break;
            default:
                w.WriteStringValue(options.ToolMode.GetType().FullName);
                break;
        }

        WriteNullable(w, "allowMultipleToolCalls", options?.AllowMultipleToolCalls, BooleanValue);
        WriteNullable(w, "temperature", options?.Temperature, SingleValue);
        WriteNullable(w, "topP", options?.TopP, SingleValue);
        WriteNullable(w, "topK", options?.TopK, Int32Value);
        WriteNullable(w, "maxOutputTokens", options?.MaxOutputTokens, Int32Value);
        WriteNullable(w, "frequencyPenalty", options?.FrequencyPenalty, SingleValue);
        WriteNullable(w, "presencePenalty", options?.PresencePenalty, SingleValue);
        WriteNullable(w, "seed", options?.Seed, Int64Value);
        WriteNullable(w, "allowBackgroundResponses", options?.AllowBackgroundResponses, BooleanValue);

        WriteArray(w, "stop", options?.StopSequences, StringValue);

        w.WritePropertyName("responseFormat");
        switch (options?.ResponseFormat)
        {
            case null:
                w.WriteNullValue();
                break;
            case ChatResponseFormatText:
                w.WriteStringValue("text");
                break;
            case ChatResponseFormatJson json:
                w.WriteStartObject();
                w.WriteString("type", "json");
                w.WriteString("name", json.SchemaName);
                w.WriteString("description", json.SchemaDescription);
                w.WritePropertyName("schema");
                if (json.Schema is { } schema)
                {
                    schema.WriteTo(w);
                }
                else
                {
                    w.WriteNullValue();
                }

                w.WriteEndObject();
                break;
            default:
                WriteValue(w, options.ResponseFormat, typeof(ChatResponseFormat));
                break;
        }

        w.WritePropertyName("reasoning");
        if (options?.Reasoning is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStartObject();
            w.WriteString("effort", options.Reasoning.Effort?.ToString());
            w.WriteString("output", options.Reasoning.Output?.ToString());
            w.WriteEndObject();
        }

        w.WritePropertyName("extra");
        WriteProperties(w, options?.AdditionalProperties, IgnoredAdditionalProperties);
    }

    private static void WriteTool(Utf8JsonWriter w, AITool tool)
    {
        w.WriteStartObject();
        w.WriteString("kind", tool is AIFunctionDeclaration ? "function" : tool.GetType().FullName);
        w.WriteString("name", tool.Name);
        w.WriteString("description", tool.Description);
        if (tool is AIFunctionDeclaration function)
        {
            w.WritePropertyName("schema");
            function.JsonSchema.WriteTo(w);
            w.WritePropertyName("returnSchema");
            if (function.ReturnJsonSchema is { } returnSchema)
            {
                returnSchema.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        // Tools carry wire details here (strict flag, custom-tool grammar); they change what the model may emit.
        w.WritePropertyName("extra");
        WriteProperties(w, tool.AdditionalProperties.Count == 0 ? null : tool.AdditionalProperties, ignored: null);
        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, IReadOnlyDictionary<string, object?>? properties, IReadOnlySet<string>? ignored)
    {
        w.WriteStartObject();
        if (properties is not null)
        {
            // Sorted: dictionary order is an accident of how the request was parsed.
            foreach (var (name, value) in properties.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                if (ignored?.Contains(name) == true)
                {
                    continue;
                }

                w.WritePropertyName(name);
                WriteValue(w, value);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteArray<T>(Utf8JsonWriter w, string name, IEnumerable<T>? items, Action<Utf8JsonWriter, T> write)
    {
        w.WritePropertyName(name);
        if (items is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartArray();
        foreach (var item in items)
        {
            write(w, item);
        }

        w.WriteEndArray();
    }

    private static void WriteNullable<T>(Utf8JsonWriter w, string name, T? value, Action<Utf8JsonWriter, T> write)
        where T : struct
    {
        w.WritePropertyName(name);
        if (value is { } present)
        {
            write(w, present);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static void WriteValue(Utf8JsonWriter w, object? value, Type? declaredType = null)
    {
        if (JsonValueWriting.TryWriteKnown(w, value))
        {
            return;
        }

        JsonElement serialized;
        try
        {
            // Serialize to an element first so a failure cannot leave the writer half-way through a value.
            serialized = JsonSerializer.SerializeToElement(value, declaredType ?? value!.GetType(), AIJsonUtilities.DefaultOptions);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or JsonException)
        {
            w.WriteStringValue($"{value!.GetType().FullName}:{value}");
            return;
        }

        serialized.WriteTo(w);
    }
}
