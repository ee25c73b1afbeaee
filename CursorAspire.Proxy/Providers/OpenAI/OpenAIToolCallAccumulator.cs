using System.Buffers;
using CursorAspire.Proxy.Wire;
using static CursorAspire.Proxy.Providers.OpenAI.OpenAIAnswerJson;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// The <c>tool_calls</c> of one answer, gathered as M.E.AI 10.11's OpenAI client gathered them: streamed fragments by their
/// <c>index</c> (the first id and name seen win, argument fragments are appended), a whole answer's calls one by one; made
/// into <see cref="FunctionCallContent"/>s once the answer is complete.
/// </summary>
/// <remarks>
/// The arguments are kept as the UTF-8 bytes the fragments decode to (one buffer per call, no string per fragment) and
/// parsed once at the end. Arguments that are not a JSON object give a call with no arguments and the parse failure as
/// its <see cref="FunctionCallContent.Exception"/>, exactly as M.E.AI made it (<see cref="FunctionCallContent.CreateFromParsedArguments"/>).
/// </remarks>
internal sealed class OpenAIToolCallAccumulator(bool whole)
{
    /// <summary>The calls in the order their index was first seen (M.E.AI's dictionary kept that order).</summary>
    private List<Call>? _calls;

    /// <summary>Whether any tool call (or fragment of one) came.</summary>
    public bool Any => _calls is not null;

    /// <summary>Reads a <c>tool_calls</c> array (the reader on its property name).</summary>
    public void Read(ref Utf8JsonReader reader)
    {
        if (!NextIsArray(ref reader, "tool_calls"))
        {
            return;
        }
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            ReadCall(ref reader);
        }
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw Unexpected("tool_calls");
        }
    }

    /// <summary>The calls gathered, with a name that is not blank (M.E.AI dropped the others), added to <paramref name="contents"/>.</summary>
    public void AddTo(IList<AIContent> contents)
    {
        if (_calls is null)
        {
            return;
        }
        foreach (var call in _calls)
        {
            if (!string.IsNullOrWhiteSpace(call.Name))
            {
                // A missing id throws here as it threw in M.E.AI (a call without an id cannot be answered).
                contents.Add(FunctionCallContent.CreateFromParsedArguments(call.Arguments, call.CallId!, call.Name, static arguments => ParseArguments(arguments.WrittenSpan)));
            }
        }
    }

    private void ReadCall(ref Utf8JsonReader reader)
    {
        var index = 0;
        var indexRead = false;
        string? id = null, name = null;
        // The arguments go straight into their call's buffer once the index says which call that is (it comes first
        // in every server's fragments); a fragment that names its index after its function is gathered aside first.
        Call? call = null, aside = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                index = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Unexpected("index");
                indexRead = true;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                id = ReadString(ref reader, "id");
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                call ??= whole ? Add(new Call()) : indexRead ? Find(index) : null;
                name = ReadFunction(ref reader, call ?? (aside ??= new Call()));
            }
            else
            {
                Skip(ref reader);
            }
        }
        call ??= whole ? Add(new Call()) : Find(index);
        if (aside is not null)
        {
            call.Arguments.Write(aside.Arguments.WrittenSpan);
        }
        call.CallId ??= id;
        call.Name ??= name;
    }

    /// <summary>The call at <paramref name="index"/>, made on its first fragment.</summary>
    private Call Find(int index)
    {
        if (_calls is not null)
        {
            foreach (var call in _calls)
            {
                if (call.Index == index)
                {
                    return call;
                }
            }
        }
        var added = Add(new Call());
        added.Index = index;
        return added;
    }

    private Call Add(Call call)
    {
        (_calls ??= []).Add(call);
        return call;
    }

    /// <summary>Reads <c>function</c>: its name returned, its arguments appended to <paramref name="call"/>'s.</summary>
    private static string? ReadFunction(ref Utf8JsonReader reader, Call call)
    {
        if (!NextIsObject(ref reader, "function"))
        {
            return null;
        }
        string? name = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader, "name");
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                if (NextIsString(ref reader, "arguments"))
                {
                    var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    // The unescaped text is never longer than the escaped one.
                    call.Arguments.Advance(reader.CopyString(call.Arguments.GetSpan(length)));
                }
            }
            else
            {
                Skip(ref reader);
            }
        }
        return name;
    }

    /// <summary>
    /// What <c>JsonSerializer.Deserialize&lt;IDictionary&lt;string, object&gt;&gt;</c> gave M.E.AI: <c>null</c> for
    /// <c>null</c>, each member of an object as a <see cref="JsonElement"/> (or <c>null</c>), the last of a repeated name
    /// winning, anything else a <see cref="JsonException"/>.
    /// </summary>
    private static Dictionary<string, object?>? ParseArguments(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            throw new JsonException("The tool call's arguments are empty.");
        }
        Dictionary<string, object?>? arguments = null;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            // One element for the whole object: its members are the values, without a document per value.
            arguments = ToolArguments.Members(JsonElement.ParseValue(ref reader));
        }
        else if (reader.TokenType != JsonTokenType.Null)
        {
            throw new JsonException($"The tool call's arguments are not a JSON object ({reader.TokenType}).");
        }
        if (reader.Read())
        {
            throw new JsonException("The tool call's arguments have text after their JSON value.");
        }
        return arguments;
    }

    private sealed class Call
    {
        public int Index;
        public string? CallId;
        public string? Name;
        public ArrayBufferWriter<byte> Arguments { get; } = new(256);
    }
}
