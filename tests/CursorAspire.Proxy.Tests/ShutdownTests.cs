using Microsoft.Extensions.Hosting;

namespace CursorAspire.Proxy.Tests;

/// <summary>On SIGTERM, streams in flight finish (within <c>Proxy:ShutdownTimeout</c>) before the proxy stops.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task AStreamInFlightFinishesBeforeTheProxyStops()
    {
        var proxy = await ProxyHost.StartWithStandInAsync(ollama: true);
        try
        {
            Assert.Equal(TimeSpan.FromSeconds(30), proxy.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
            proxy.Upstream.Enqueue(StandInReply.FromText([.. Enumerable.Range(0, 10).Select(i => $"c{i} ")]) with { ChunkDelay = TimeSpan.FromMilliseconds(200) });
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(ChatRequests.Simple("local", stream: true), System.Text.Encoding.UTF8, "application/json") };
            using var response = await proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reading = response.Content.ReadAsStringAsync();
            await proxy.Upstream.NextChatRequestAsync(); // the stream is under way

            var stopping = proxy.StopAsync(CancellationToken.None);
            var body = await reading;
            await stopping;

            Assert.EndsWith("data: [DONE]\n\n", body);
            Assert.Equal(string.Concat(Enumerable.Range(0, 10).Select(i => $"c{i} ")), SseChunks.AssertContract(body, "local").Content);
        }
        finally
        {
            await proxy.DisposeAsync();
        }
    }
}
