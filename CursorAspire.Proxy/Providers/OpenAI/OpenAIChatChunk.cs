using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Wire.Json;
using static CursorAspire.Proxy.Providers.OpenAI.OpenAIAnswerJson;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// One <c>chat.completion.chunk</c> of a streamed answer, or a whole <c>chat.completion</c>, read with a
/// <see cref="Utf8JsonReader"/> straight from its bytes into the fields M.E.AI 10.11's OpenAI client took from the SDK's
/// models: the first choice's role, text, <c>reasoning_content</c>, refusal and finish reason, the usage, the id, model
/// and creation time. One instance serves a whole answer, chunk after chunk.
/// </summary>
/// <remarks>
/// Fields it does not know are skipped, as the SDK kept them aside unread. The id and the model are the same in every
/// chunk: each is kept from one chunk to the next while its bytes stay the same, so a stream allocates them once.
/// An <c>error</c> object raises <see cref="UpstreamStreamException"/> with the upstream's words (where the SDK read such a
/// chunk as an empty one).
/// </remarks>
internal sealed class OpenAIChatChunk
{
    private KeptString _id;
    private KeptString _model;

    /// <summary>The chunk's <c>id</c>, M.E.AI's response and message id: the same string while its bytes stay the same.</summary>
    public string? Id { get; private set; }

    /// <summary>The chunk's <c>model</c>, kept alike.</summary>
    public string? Model { get; private set; }

    /// <summary>The chunk's <c>created</c>; the default time when it has none, as the SDK read it.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Whether the chunk had a first choice.</summary>
    public bool HasChoice { get; private set; }

    /// <summary>The choice's <c>role</c>; a role M.E.AI does not name is kept as sent.</summary>
    public ChatRole? Role { get; private set; }

    /// <summary>The choice's <c>finish_reason</c> (<c>function_call</c> read as tool calls; others kept as sent).</summary>
    public ChatFinishReason? FinishReason { get; private set; }

    /// <summary>The text, when <c>content</c> was a string (even an empty one: M.E.AI made a text of it).</summary>
    public string? Content { get; private set; }

    /// <summary>The text parts, when <c>content</c> was an array of parts.</summary>
    public List<AIContent>? ContentParts { get; private set; }

    /// <summary>DeepSeek's <c>reasoning_content</c>.</summary>
    public string? Reasoning { get; private set; }

    /// <summary>The choice's <c>refusal</c>.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The chunk's <c>usage</c> (a streamed answer's last chunk, with no choices).</summary>
    public UsageDetails? Usage { get; private set; }

    /// <summary>How many contents <see cref="AddTextAndReasoningTo"/> adds.</summary>
    public int TextAndReasoningCount => (Content is null ? 0 : 1) + (ContentParts?.Count ?? 0) + (Reasoning is null ? 0 : 1);

    /// <summary>The text (or text parts), then the reasoning: M.E.AI's order.</summary>
    public void AddTextAndReasoningTo(List<AIContent> contents)
    {
        if (Content is not null)
        {
            contents.Add(new TextContent(Content));
        }
        else if (ContentParts is not null)
        {
            contents.AddRange(ContentParts);
        }
        if (Reasoning is not null)
        {
            contents.Add(new TextReasoningContent(Reasoning));
        }
    }

    /// <summary>
    /// Reads one chunk (<paramref name="whole"/> false: the choice's <c>delta</c>) or a whole answer (the choice's
    /// <c>message</c>); its tool calls go to <paramref name="toolCalls"/>.
    /// </summary>
    public void Read(ReadOnlySpan<byte> json, OpenAIToolCallAccumulator toolCalls, bool whole)
    {
        Reset();
        var reader = new Utf8JsonReader(json);
        if (Next(ref reader) != JsonTokenType.StartObject)
        {
            throw new JsonException($"The upstream's answer is not a JSON object (it starts with {reader.TokenType}).");
        }
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                Id = NextIsString(ref reader, "id") ? _id.Read(ref reader) : null;
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                Model = NextIsString(ref reader, "model") ? _model.Read(ref reader) : null;
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                CreatedAt = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : throw Unexpected("created");
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                ReadChoices(ref reader, toolCalls, whole);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                Usage = OpenAIUsageReader.Read(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.Null)
                {
                    // A deliberate change from the SDK, which read this event as an empty chunk and went on as if the
                    // answer had ended: the upstream said it failed, so the caller hears it (as the Ollama client does).
                    throw UpstreamStreamException.FromError(JsonElement.ParseValue(ref reader));
                }
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    private void Reset()
    {
        Id = Model = null;
        CreatedAt = default;
        HasChoice = false;
        Role = null;
        FinishReason = null;
        Content = Reasoning = Refusal = null;
        ContentParts = null;
        Usage = null;
    }

    /// <summary>The first choice only (M.E.AI read <c>choices[0]</c>); the others are skipped.</summary>
    private void ReadChoices(ref Utf8JsonReader reader, OpenAIToolCallAccumulator toolCalls, bool whole)
    {
        if (!NextIsArray(ref reader, "choices"))
        {
            return;
        }
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (HasChoice || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            HasChoice = true;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(whole ? "message"u8 : "delta"u8))
                {
                    ReadMessage(ref reader, toolCalls);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    FinishReason = NextIsString(ref reader, "finish_reason") ? OpenAIChoiceNames.FinishReason(ref reader) : null;
                }
                else
                {
                    Skip(ref reader);
                }
            }
        }
    }

    private void ReadMessage(ref Utf8JsonReader reader, OpenAIToolCallAccumulator toolCalls)
    {
        if (!NextIsObject(ref reader, "delta"))
        {
            return;
        }
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                ReadContent(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning_content"u8))
            {
                // DeepSeek's (and vLLM's, Kimi's, GLM's) reasoning, which M.E.AI 10.11 reads as TextReasoningContent.
                Next(ref reader);
                Reasoning = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("role"u8))
            {
                Role = NextIsString(ref reader, "role") ? OpenAIChoiceNames.Role(ref reader) : null;
            }
            else if (reader.ValueTextEquals("refusal"u8))
            {
                Refusal = ReadString(ref reader, "refusal");
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                toolCalls.Read(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    /// <summary>A string, or an array of parts whose <c>text</c> parts become texts (what an answer carries; other parts are skipped).</summary>
    private void ReadContent(ref Utf8JsonReader reader)
    {
        switch (Next(ref reader))
        {
            case JsonTokenType.String:
                Content = reader.GetString();
                return;
            case JsonTokenType.StartArray:
                ContentParts = [];
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    string? text = null;
                    var isText = false;
                    while (Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("type"u8))
                        {
                            isText = NextIsString(ref reader, "type") && reader.ValueTextEquals("text"u8);
                        }
                        else if (reader.ValueTextEquals("text"u8))
                        {
                            text = ReadString(ref reader, "text");
                        }
                        else
                        {
                            Skip(ref reader);
                        }
                    }
                    if (isText)
                    {
                        ContentParts.Add(new TextContent(text));
                    }
                }
                return;
            default:
                // null, or a value the SDK read as no content.
                reader.Skip();
                return;
        }
    }
}
