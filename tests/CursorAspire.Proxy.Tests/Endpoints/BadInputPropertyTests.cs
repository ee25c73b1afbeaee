using CsCheck;
using Xunit.Abstractions;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Property-based: thousands of generated malformed and semantically odd bodies, over real HTTP, against one real
/// proxy in front of all three upstream kinds. Whatever arrives, the answer is defined (no 5xx, every 4xx in OpenAI's
/// shape), nothing hangs, and the proxy still answers a normal request afterwards. A failure is shrunk by CsCheck to
/// a minimal body, printed with the seed that reproduces it.
/// </summary>
public class BadInputPropertyTests(BadInputProxy host, ITestOutputHelper output) : IClassFixture<BadInputProxy>
{
    [Fact]
    public Task ChatCompletionsBodiesGetADefinedAnswer() =>
        CheckAsync(MalformedBodies.ChatCompletions.Select(body => MalformedRequest.Json("v1/chat/completions", body)), iterations: 1_500);

    [Fact]
    public Task ResponsesShapedChatCompletionsBodiesGetADefinedAnswer() =>
        CheckAsync(MalformedBodies.Responses.Select(body => MalformedRequest.Json("v1/chat/completions", body)), iterations: 800);

    [Fact]
    public Task ResponsesApiBodiesGetADefinedAnswer() =>
        CheckAsync(MalformedBodies.Responses.Select(body => MalformedRequest.Json("v1/responses", body)), iterations: 800);

    [Fact]
    public Task MutatedCursorFixturesGetADefinedAnswer() =>
        CheckAsync(FixtureMutations.Requests, iterations: 1_000);

    [Fact]
    public Task InvalidJsonTextGetsADefinedAnswer() =>
        CheckAsync(InvalidJsonTexts.Requests, iterations: 600);

    private async Task CheckAsync(Gen<MalformedRequest> requests, long iterations)
    {
        await requests.SampleAsync(host.AssertDefinedAnswerAsync, writeLine: output.WriteLine, iter: iterations, print: request => request.ToString());
        await host.AssertStillAnswersAsync();
    }
}
