namespace CursorAspire.Proxy.Tests.Telemetry;

/// <summary>Each request yields a GenAI span (M.E.AI UseOpenTelemetry) and the route taken; prompts stay out unless configured.</summary>
public class TelemetryTests
{
    /// <summary>
    /// Captures the spans of one trace (so spans of tests running in parallel are ignored) until the proxy's request span
    /// has stopped: the last of the proxy's spans, it stops after the response is flushed, so after the client has its answer.
    /// </summary>
    private static async Task<List<Activity>> CaptureAsync(Func<ActivityTraceId, Task> action)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var activities = new ConcurrentQueue<Activity>();
        var serverSpanStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var spans = new StoppedSpans(source => source.Name is "Experimental.Microsoft.Extensions.AI" or "Microsoft.AspNetCore", a =>
        {
            if (a.TraceId != traceId)
            {
                return;
            }
            activities.Enqueue(a);
            if (IsProxyServerSpan(a))
            {
                serverSpanStopped.TrySetResult();
            }
        });
        await action(traceId);
        await serverSpanStopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return activities.ToList();
    }

    /// <summary>The proxy's request span (the stand-in's, in the same trace, has no route).</summary>
    private static bool IsProxyServerSpan(Activity activity) =>
        activity.Source.Name == "Microsoft.AspNetCore" && activity.GetTagItem("cursoraspire.route.provider") is not null;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequestHasAGenAiSpanAndRouteTags(bool logPrompts)
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:LogPrompts", logPrompts.ToString()));
        const string secretPrompt = "my-proprietary-source-code-7f3a";

        var activities = await CaptureAsync(async traceId =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent(ChatRequests.Simple("local", text: secretPrompt), System.Text.Encoding.UTF8, "application/json"),
            };
            // The client call runs under a parent span of the chosen trace, which HTTP propagation carries to the proxy.
            using var parent = new Activity("test").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
            (await proxy.Client.SendAsync(request)).EnsureSuccessStatusCode();
        });

        var genAi = activities.Single(a => a.Source.Name == "Experimental.Microsoft.Extensions.AI");
        Assert.Equal("qwen2.5-coder:7b", genAi.GetTagItem("gen_ai.request.model"));
        Assert.NotNull(genAi.GetTagItem("gen_ai.usage.input_tokens"));
        var server = activities.Single(IsProxyServerSpan);
        Assert.Equal("ollama", server.GetTagItem("cursoraspire.route.provider"));
        Assert.Equal("local", server.GetTagItem("cursoraspire.route.alias"));
        Assert.Equal(genAi.TraceId, server.TraceId);

        var recorded = string.Join('\n', activities.SelectMany(a => a.Tags.Select(t => t.Value)).Concat(activities.SelectMany(a => a.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString())))));
        Assert.Equal(logPrompts, recorded.Contains(secretPrompt));
        Assert.DoesNotContain(secretPrompt, proxy.Logs.All);
    }
}
