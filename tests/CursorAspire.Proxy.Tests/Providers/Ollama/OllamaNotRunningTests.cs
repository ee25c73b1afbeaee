using System.Net.Sockets;

namespace CursorAspire.Proxy.Tests.Providers.Ollama;

/// <summary>
/// Ollama not running (its process died, its container stopped): the connection is refused, and every request for its
/// models gets, within a second, a 503 that says so and where to look, streamed or not. Fallbacks answer as for any
/// failure before the first token (<see cref="Calls.FallbackTests"/>).
/// </summary>
public sealed class OllamaNotRunningTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARefusedConnectionIsA503WithinASecondThatSaysOllamaIsNotRunningAndWhereToLook(bool stream)
    {
        var dead = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(dead));

        // A proxy that has served before, as under the AppHost when Ollama dies: the first request of a cold proxy also
        // pays for its start (compiling, building the route's pipeline), which is not what is measured here.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple("local", !stream))).StatusCode);

        var elapsed = Stopwatch.StartNew();
        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("local", stream));
        elapsed.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType); // nothing was streamed yet
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("upstream_unavailable", (string?)error["code"]);
        var message = (string?)error["message"];
        Assert.StartsWith("Ollama is not running: nothing accepts connections at its address (Proxy:Providers:ollama:Endpoint", message);
        Assert.DoesNotContain(dead.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), message); // never our addresses
        Assert.Contains("the dashboard's 'ollama' row shows why it stopped", message);
        Assert.Contains("`ollama serve`", message);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(1), $"The answer took {elapsed.Elapsed.TotalMilliseconds:0} ms.");
        Assert.DoesNotContain("Retrying provider", proxy.Logs.All); // a dead Ollama is not retried: it would only delay the answer
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
