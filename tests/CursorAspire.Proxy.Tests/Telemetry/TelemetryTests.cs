using System.Collections.Concurrent;
using System.Diagnostics;
using CursorAspire.Proxy.Tests.Infrastructure;
using CursorAspire.TestUpstreams;

namespace CursorAspire.Proxy.Tests.Telemetry;

/// <summary>Each request yields a GenAI span (M.E.AI UseOpenTelemetry) and the route taken; prompts stay out unless configured.</summary>
public class TelemetryTests
{
    /// <summary>Captures the spans of one trace, so spans of tests running in parallel are ignored.</summary>
    private static async Task<List<Activity>> CaptureAsync(Func<ActivityTraceId, Task> action)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Experimental.Microsoft.Extensions.AI" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.TraceId == traceId) { activities.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        await action(traceId);
        await Task.Delay(200); // the server activity stops after the response is flushed
        return activities.ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RequestHasAGenAiSpanAndRouteTags(bool logPrompts)
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        var config = ProxyHost.OllamaConfig(ollama.BaseUri);
        config["Proxy:LogPrompts"] = logPrompts.ToString();
        await using var proxy = await ProxyHost.StartAsync(config);
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
        var server = activities.Single(a => a.Source.Name == "Microsoft.AspNetCore" && a.GetTagItem("cursoraspire.route.provider") is not null);
        Assert.Equal("ollama", server.GetTagItem("cursoraspire.route.provider"));
        Assert.Equal("local", server.GetTagItem("cursoraspire.route.alias"));
        Assert.Equal(genAi.TraceId, server.TraceId);

        var recorded = string.Join('\n', activities.SelectMany(a => a.Tags.Select(t => t.Value)).Concat(activities.SelectMany(a => a.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString())))));
        Assert.Equal(logPrompts, recorded.Contains(secretPrompt));
        Assert.DoesNotContain(secretPrompt, proxy.Logs.All);
    }
}
