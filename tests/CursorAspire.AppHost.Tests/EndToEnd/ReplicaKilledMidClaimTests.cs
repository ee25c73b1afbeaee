using System.Net.Http.Json;
using CursorAspire.TestUpstreams;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// A replica killed while it holds the claim on a request (its upstream call under way) does not leave the other replica
/// waiting for an answer that will never come: the claim stops being renewed, expires, and the waiting replica goes
/// upstream itself. Its own AppHost: the killed replica stays dead.
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class ReplicaKilledMidClaimTests
{
    private static readonly TimeSpan ClaimTtl = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task AReplicaKilledMidClaimDoesNotKeepTheOtherWaitingPastTheClaimsExpiry()
    {
        const string HangPrompt = "hang until the replica dies";
        var calls = 0;
        await using var app = await ProxyReplicasApp.StartAsync(
            request => Interlocked.Increment(ref calls) == 1 && request.Body.Contains(HangPrompt, StringComparison.Ordinal)
                ? StandInReply.FromText("never") with { HangAfterChunks = 0 } // the first call hangs until its caller is gone
                : StandInReply.EchoOf(request),
            builder => builder.CreateResourceBuilder(builder.Resource<CursorProxyResource>("proxy"))
                .WithEnvironment("Logging__LogLevel__CursorAspire.Proxy.Caching", "Debug"), // to see the survivor start waiting
            $"--Proxy:Cache:ClaimTtl={ClaimTtl}");
        var (doomed, survivor) = (app.Replicas[0], app.Replicas[1]);
        var prompt = ProxyReplicasTests.Unique(HangPrompt);
        using var doomedClient = app.ReplicaClient(0);
        using var survivorClient = app.ReplicaClient(1);
        var logs = app.App.Services.GetRequiredService<ResourceLoggerService>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        // The doomed replica claims the key and calls the upstream, which holds the call open.
        var doomedCall = doomedClient.PostAsJsonAsync("/v1/chat/completions", ProxyReplicasTests.Chat(prompt), deadline.Token);
        var first = await app.Upstream.NextChatRequestAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(prompt, first.Body, StringComparison.Ordinal);

        // The identical request on the survivor finds the claim and waits for the doomed replica's answer.
        var waiting = WaitForLogAsync(logs, survivor.Id, "Another replica is answering", deadline.Token);
        var survivorCall = survivorClient.PostAsJsonAsync("/v1/chat/completions", ProxyReplicasTests.Chat(prompt), deadline.Token);
        await waiting;
        Assert.Equal(1, app.Upstream.CallCount);

        doomed.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await first.Aborted.WaitAsync(TimeSpan.FromSeconds(30)); // its upstream connection died with it
        using var answer = await survivorCall.WaitAsync(TimeSpan.FromSeconds(30));
        var answeredAfter = DateTimeOffset.UtcNow - killedAt;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains($"Echo: {prompt}", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var second = Assert.Single(app.Upstream.ChatRequests, r => r.Sequence != first.Sequence && r.Body.Contains(prompt, StringComparison.Ordinal));
        Assert.True(second.ReceivedAt >= killedAt, "the survivor went upstream while the claimant was still alive");
        // The claim was last renewed at most a third of its life before the kill; the survivor looks again every third.
        Assert.True(answeredAfter <= ClaimTtl + (ClaimTtl / 3) + TimeSpan.FromSeconds(5), $"the survivor waited {answeredAfter} after the claimant died");
        await Assert.ThrowsAnyAsync<Exception>(() => doomedCall);
    }

    /// <summary>Completes when a line containing <paramref name="text"/> appears in the replica's console log.</summary>
    private static async Task WaitForLogAsync(ResourceLoggerService logs, string replicaId, string text, CancellationToken cancellationToken)
    {
        await foreach (var batch in logs.WatchAsync(replicaId).WithCancellation(cancellationToken))
        {
            if (batch.Any(line => line.Content.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }
        }
    }
}
