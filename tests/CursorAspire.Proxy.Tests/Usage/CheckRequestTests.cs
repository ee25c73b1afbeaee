using CursorAspire.Contracts;
using CursorAspire.Proxy.Usage;

namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// The AppHost's "Check as Cursor" marks its requests with <c>x-cursoraspire-check: 1</c>: their tokens stay out of the
/// key's daily budget (up to an allowance), but a spent budget still refuses them, as it refuses Cursor.
/// </summary>
public sealed class CheckRequestTests
{
    // One answer spends 250 prompt + 100 completion tokens: over the limited key's 300 a day.
    private static StandInReply Expensive(int prompt = 250, int completion = 100) => StandInReply.FromText("ok") with { Usage = new StandInUsage(prompt, completion) };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ACheckRequestDoesNotSpendTheKeysBudget(bool stream)
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive());
        guarded.Ollama.Enqueue(Expensive());

        var check = await PostAsync(limited, stream, isCheck: true);
        // Ordinary requests unstreamed: a stream's usage is counted just after its end, which a next request could overtake.
        var first = await PostAsync(limited, stream: false, isCheck: false);
        var second = await PostAsync(limited, stream: false, isCheck: false);

        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode); // had the check counted, its 350 tokens would have spent the 300
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task ASpentBudgetStillRefusesACheckRequest()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, isCheck: false)).StatusCode);
        var check = await PostAsync(limited, stream: false, isCheck: true);

        Assert.Equal(HttpStatusCode.TooManyRequests, check.StatusCode);
    }

    [Fact]
    public async Task BeyondTheDailyAllowanceCheckRequestsCountLikeAnyOther()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        // One check answer larger than the whole allowance: counted against the budget.
        guarded.Ollama.Enqueue(Expensive(prompt: (int)UsageLedger.CheckAllowancePerDay, completion: 1));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, isCheck: true)).StatusCode);
        var next = await PostAsync(limited, stream: false, isCheck: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    [Fact]
    public async Task AnyOtherValueOfTheHeaderIsAnOrdinaryRequest()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        using var limited = guarded.Limited();
        guarded.Ollama.Enqueue(Expensive());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(limited, stream: false, isCheck: true, value: "yes")).StatusCode);
        var next = await PostAsync(limited, stream: false, isCheck: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, bool stream, bool isCheck, string value = CheckRequestHeader.Value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(ChatRequests.Simple("local", stream, $"check {Guid.NewGuid()}"), System.Text.Encoding.UTF8, "application/json"),
        };
        if (isCheck)
        {
            request.Headers.Add(CheckRequestHeader.Name, value);
        }
        var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();
        return response;
    }
}
