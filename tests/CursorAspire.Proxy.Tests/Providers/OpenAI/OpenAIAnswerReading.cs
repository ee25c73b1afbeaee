using System.ClientModel;
using System.ClientModel.Primitives;
using System.IO.Pipelines;
using CursorAspire.Proxy.Providers.OpenAI;
using Microsoft.Extensions.AI;
using OpenAI;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// Both ways of reading an OpenAI-compatible answer over HTTP, for the reader's tests: M.E.AI's OpenAI client over the
/// SDK, and the proxy's <see cref="OpenAIChatResponseReader"/> on the body of the same request.
/// </summary>
internal static class OpenAIAnswerReading
{
    public const string Model = "gpt-4o-mini";

    public static readonly Microsoft.Extensions.AI.ChatMessage[] Question = [new(ChatRole.User, "look")];

    public static IChatClient MeaiClient(HttpClient http, Uri apiBase, string model) =>
        new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = apiBase, Transport = new HttpClientPipelineTransport(http) })
            .GetChatClient(model).AsIChatClient();

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri uri, string model, bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "look" }),
        };
        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }

    public static async Task<List<ChatResponseUpdate>> ReadStreamAsync(HttpClient http, Uri uri, string model = OpenAIAnswerReading.Model)
    {
        using var response = await PostAsync(http, uri, model, stream: true);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await OpenAIChatResponseReader.ReadStreamAsync(body, CancellationToken.None).ToListAsync();
    }

    public static async Task<ChatResponse> ReadWholeAsync(HttpClient http, Uri uri, string model)
    {
        using var response = await PostAsync(http, uri, model, stream: false);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await OpenAIChatResponseReader.ReadWholeAsync(body, CancellationToken.None);
    }

    /// <summary>
    /// A stream that hands out <paramref name="bytes"/> <paramref name="size"/> at a time: each piece waits until the reader
    /// has taken the one before, so every read sees exactly one piece, as from a slow network.
    /// </summary>
    public static (Stream Stream, Task Writing) Trickle(byte[] bytes, int size, bool complete = true)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
            }
            if (complete)
            {
                await pipe.Writer.CompleteAsync();
            }
        });
        return (pipe.Reader.AsStream(), writing);
    }
}
