namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>
/// Every endpoint needs a key unless it says it is anonymous, so a feature added later cannot be left open by mistake;
/// and strings the caller controls are cut short before they reach logs and spans.
/// </summary>
public sealed class AuthorizationPolicyTests
{
    [Fact]
    public async Task ANewEndpointNeedsAKeyUnlessItSaysItIsAnonymous()
    {
        await using var guarded = await GuardedProxy.StartAsync(mapMore: app =>
        {
            app.MapGet("/v1/new-feature", () => "secret stuff");
            app.MapGet("/public-feature", () => "hello").AllowAnonymous();
        });
        using var anonymous = guarded.Proxy.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/new-feature")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guarded.Proxy.Client.GetAsync("v1/new-feature")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("public-feature")).StatusCode);
        // The built-in anonymous ones.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Options, "v1/new-feature"))).StatusCode);
    }

    [Fact]
    public async Task AHugeModelNameIsCutShortInLogsAndSpans()
    {
        var name = "x" + new string('m', 10_000);
        // The request's span stops after its response went out: the test waits for it rather than racing it.
        var spanTag = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var spans = new StoppedSpans("Microsoft.AspNetCore", a =>
        {
            if (a.GetTagItem("cursoraspire.model.requested") is string tag && tag.StartsWith("xmmm", StringComparison.Ordinal))
            {
                spanTag.TrySetResult(tag);
            }
        });
        await using var guarded = await GuardedProxy.StartAsync();

        var (response, _) = await ChatRequests.PostReadAsync(guarded.Proxy.Client, ChatRequests.Simple(name, stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // an unknown name goes to the default model
        var tag = await spanTag.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(tag.Length <= 129, $"span tag of {tag.Length} characters");
        Assert.All(guarded.Proxy.Logs.Lines, line => Assert.True(line.Length < 2_000, $"a log line of {line.Length} characters"));
    }
}
