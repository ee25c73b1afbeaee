using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Providers.Ollama;
using OllamaSharp.Models.Exceptions;

namespace CursorAspire.Proxy.Tests.Providers.Ollama;

/// <summary>
/// Reading Ollama's NDJSON answer: lines split anywhere across reads (<see cref="NdjsonLineReader"/>), and each line's
/// fields (<see cref="OllamaChatLine"/>), including the ones real Ollama sends that the proxy does not use.
/// </summary>
public sealed class OllamaChatLineTests
{
    private const string Chunk = """{"model":"qwen3","created_at":"2026-12-07T05:00:00.123456789Z","message":{"role":"assistant","content":"Hé \"there\"\n"},"done":false}""";
    private const string Thinking = """{"model":"qwen3","created_at":"2026-12-07T05:00:00.2Z","message":{"role":"assistant","content":"","thinking":"Let me think."},"done":false}""";
    private const string Done = """{"model":"qwen3","created_at":"2026-12-07T05:00:01Z","message":{"role":"assistant","content":""},"done_reason":"load","done":true,"total_duration":4000000,"load_duration":1000000,"prompt_eval_count":12,"prompt_eval_duration":2000000,"eval_count":3,"eval_duration":500000}""";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(4096)]
    public async Task LinesSplitAcrossReadsComeOutWhole(int bytesPerRead)
    {
        var longLine = """{"message":{"content":""" + JsonSerializer.Serialize(new string('x', 40_000)) + "}}";
        var text = $"{Chunk}\n\r\n{longLine}\n{Thinking}\r\n{Done}"; // a blank line, CRLF, a line longer than the buffer, no final newline
        using var lines = new NdjsonLineReader(new TrickleStream(Encoding.UTF8.GetBytes(text), bytesPerRead));

        var read = new List<string>();
        while (await lines.ReadLineAsync(CancellationToken.None))
        {
            read.Add(Encoding.UTF8.GetString(lines.Line));
        }

        Assert.Equal([Chunk, "\r", longLine, Thinking + "\r", Done], read);
    }

    [Fact]
    public async Task StreamedLinesBecomeTextReasoningAndTheFinishWithUsage()
    {
        var line = new OllamaChatLine();
        var updates = new List<ChatResponseUpdate>();
        using var lines = new NdjsonLineReader(new TrickleStream(Encoding.UTF8.GetBytes($"{Chunk}\n\n{Thinking}\n{Done}\n"), 5));
        while (await lines.ReadLineAsync(CancellationToken.None))
        {
            if (line.Read(lines.Line, keepCreatedAtText: false, out _))
            {
                updates.Add(line.ToUpdate("r1"));
            }
        }

        Assert.Equal(3, updates.Count); // the blank line is no update
        Assert.Equal("Hé \"there\"\n", updates[0].Text);
        // Ollama's nine fraction digits, parsed as OllamaSharp parsed them.
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T05:00:00.123456789Z", CultureInfo.InvariantCulture), updates[0].CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 5, 0, 1, TimeSpan.Zero), updates[2].CreatedAt);
        Assert.Equal("Let me think.", Assert.IsType<TextReasoningContent>(updates[1].Contents.Single()).Text);
        var done = updates[2];
        Assert.Equal(new ChatFinishReason("load"), done.FinishReason);
        Assert.Null(updates[0].FinishReason);
        var usage = Assert.IsType<UsageContent>(done.Contents[^1]).Details;
        Assert.Equal((12L, 3L, 15L), (usage.InputTokenCount!.Value, usage.OutputTokenCount!.Value, usage.TotalTokenCount!.Value));
        Assert.Equal(TimeSpan.FromMilliseconds(4), done.AdditionalProperties!["total_duration"]);
        Assert.All(updates, u => Assert.Equal(("qwen3", ChatRole.Assistant, "r1"), (u.ModelId!, u.Role!.Value, u.ResponseId!)));
        Assert.Same(updates[0].ModelId, updates[2].ModelId); // read once while it stays the same
    }

    [Fact]
    public void UnknownFieldsAreSkipped()
    {
        const string withExtras = """
            {"model":"gpt-oss:20b","remote_model":"gpt-oss:120b","remote_host":"https://ollama.com:443","created_at":"2026-12-07T05:00:00Z",
             "message":{"role":"assistant","content":"ok","images":null,"tool_name":"x","logprobs":[{"token":"ok","logprob":-0.1,"top_logprobs":[]}],"future":{"a":[1,{"b":2}]}},
             "logprobs":[{"token":"ok"}],"done":false,"context":[1,2,3]}
            """;
        var line = new OllamaChatLine();

        Assert.True(line.Read(Encoding.UTF8.GetBytes(withExtras.ReplaceLineEndings(string.Empty)), keepCreatedAtText: false, out _));

        var update = line.ToUpdate("r");
        Assert.Equal("ok", update.Text);
        Assert.Equal("gpt-oss:20b", update.ModelId);
    }

    [Fact]
    public void ToolCallsGetFreshIdsAndTheirArgumentsAsElements()
    {
        const string calls = """{"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"id":"call_x","function":{"index":0,"name":"read_file","arguments":{"path":"a.py","lines":[1,2],"none":null}}},{"function":{"index":1,"arguments":{}}},{"type":"function"}]},"done":false}""";
        var line = new OllamaChatLine();

        line.Read(Encoding.UTF8.GetBytes(calls), keepCreatedAtText: false, out _);
        var contents = line.ToUpdate("r").Contents;

        var read = Assert.IsType<FunctionCallContent>(contents[0]); // no text before calls: OllamaSharp added none
        Assert.Equal("read_file", read.Name);
        Assert.Equal(8, read.CallId.Length);
        Assert.Equal("""{"path":"a.py","lines":[1,2],"none":null}""", JsonSerializer.Serialize(read.Arguments));
        Assert.Equal("n/a", Assert.IsType<FunctionCallContent>(contents[1]).Name); // as OllamaSharp named a call without a name
        Assert.Equal(2, contents.Count); // a call without a function is dropped
    }

    [Fact]
    public void ErrorLineRaisesOllamasMessage()
    {
        var line = new OllamaChatLine();

        var error = Assert.Throws<ResponseError>(() => line.Read("""{"error":"unexpected server status: llm server loading model"}"""u8, keepCreatedAtText: false, out _));

        Assert.Equal("unexpected server status: llm server loading model", error.Message);
    }

    [Theory]
    [InlineData("""{"model":"m","done":"yes"}""")]
    [InlineData("""{"model":"m","message":{"tool_calls":[{"function":{"name":"f","arguments":"{\"a\":1}"}}]}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"model":"m","message":{"content":"cut""")]
    public void MalformedLinesAreJsonErrors(string text)
    {
        var line = new OllamaChatLine();

        Assert.ThrowsAny<JsonException>(() => line.Read(Encoding.UTF8.GetBytes(text), keepCreatedAtText: false, out _));
    }

    /// <summary>Hands out its bytes at most <paramref name="bytesPerRead"/> at a time, as a slow network would.</summary>
    private sealed class TrickleStream(byte[] bytes, int bytesPerRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(bytesPerRead, buffer.Length), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
