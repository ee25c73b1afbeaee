using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Storage;
using CursorAspire.Proxy.Usage;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// A store operation is bounded by <c>Proxy:Storage:Timeout</c>; a script that outlives it has still run in Redis, while
/// the proxy, not knowing, counted it in process and hands it to Redis later. Every reservation has an id that Redis
/// remembers once settled, so the second settlement of one id changes nothing: a request is charged once.
/// </summary>
/// <remarks>
/// The slow script is a real one behind a relay that holds Garnet's replies (<see cref="ReplyHoldingRelay"/>); the
/// store's timeout runs on a fake clock, advanced once Garnet shows the script ran.
/// </remarks>
[Collection(GarnetCollection.Name)]
public sealed class SettlementIdempotenceTests(GarnetServerFixture garnet)
{
    private const long Budget = 1000;
    private static readonly DateTimeOffset Noon = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(80);
    private static readonly TimeSpan StoreTimeout = new StateStoreOptions().Timeout;

    [Fact]
    public async Task ASettleWhoseReplyOutlivesTheStoreTimeoutIsChargedOnce()
    {
        await using var rig = await RelayedLedger.StartAsync(garnet);
        var (clock, relay, direct, ledger) = (rig.Clock, rig.Relay, rig.Direct, rig.Ledger);
        var key = NewKey();
        var reservation = (await ledger.ReserveAsync(key, Budget, 300, 0, null, HoldFor, CancellationToken.None)).Reservation!;

        relay.Hold();
        var settling = ledger.SettleAsync(reservation, Cost(120));
        await UntilAsync(async () => await TotalAsync(direct, key) == 120); // the script ran in Garnet; its reply is held
        Assert.False(settling.IsCompleted);
        clock.Advance(StoreTimeout);
        await settling; // the store timed out: counted in process meanwhile
        Assert.True(ledger.IsStoreDown);

        // Redis answers again: the next operation hands back what was counted in process, and the id is already settled.
        relay.Release();
        var today = await ledger.DayAsync(key, DateOnly.FromDateTime(Noon.UtcDateTime), CancellationToken.None);
        Assert.False(ledger.IsStoreDown);
        Assert.Equal(120, today[UsageLedger.TotalField]);
        Assert.Equal(120, await TotalAsync(direct, key));
        Assert.Equal(0, await direct.GetDatabase().HashLengthAsync(UsageKeys.Reservations(key.Id)));
    }

    [Fact]
    public async Task AReserveWhoseReplyOutlivesTheStoreTimeoutHoldsNothingOnceSettled()
    {
        await using var rig = await RelayedLedger.StartAsync(garnet);
        var (clock, relay, direct, ledger) = (rig.Clock, rig.Relay, rig.Direct, rig.Ledger);
        var key = NewKey();
        var reservations = UsageKeys.Reservations(key.Id);

        relay.Hold();
        var reserving = ledger.ReserveAsync(key, Budget, 300, 0, null, HoldFor, CancellationToken.None);
        await UntilAsync(async () => await direct.GetDatabase().HashLengthAsync(reservations) == 1); // held in Garnet; reply held
        clock.Advance(StoreTimeout);
        var admission = await reserving; // the store timed out: held in process meanwhile
        Assert.True(admission.Admitted);

        relay.Release();
        await ledger.SettleAsync(admission.Reservation!, Cost(120));

        // What the timed-out script held in Redis is released with the settlement: nothing keeps the budget's room.
        Assert.Equal(0, await direct.GetDatabase().HashLengthAsync(reservations));
        Assert.Equal(120, await TotalAsync(direct, key));
        var next = await ledger.ReserveAsync(key, Budget, 300, 0, null, HoldFor, CancellationToken.None);
        Assert.Equal((120, 0), (next.Spent, next.Reserved));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SettlingOneReservationTwiceChargesOnce(bool redis)
    {
        var clock = new FakeTimeProvider(Noon);
        using var connection = redis ? await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString) : null;
        using var ledger = Ledger(clock, connection);
        var key = NewKey();
        var reservation = (await ledger.ReserveAsync(key, Budget, 300, 0, null, HoldFor, CancellationToken.None)).Reservation!;

        await ledger.SettleAsync(reservation, Cost(120));
        await ledger.SettleAsync(reservation, Cost(120));

        var today = await ledger.DayAsync(key, DateOnly.FromDateTime(Noon.UtcDateTime), CancellationToken.None);
        Assert.Equal(120, today[UsageLedger.TotalField]);
        Assert.Equal(1, today[UsageCounters.Field("local", UsageCounters.Requests)]);
    }

    private static UsageLedger Ledger(TimeProvider clock, IConnectionMultiplexer? redis) =>
        new(StateStores.Over(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), StoreTimeout, clock, redis),
            clock, NullLogger<UsageLedger>.Instance);

    private static ApiKeyIdentity NewKey() => new("settle", Guid.NewGuid().ToString("N"), new KeyOptions { TokensPerDay = Budget });

    private static KeyValuePair<string, long>[] Cost(long tokens) =>
    [
        new(UsageLedger.TotalField, tokens),
        new(UsageCounters.Field("local", UsageCounters.Requests), 1),
    ];

    private static async Task<long> TotalAsync(IConnectionMultiplexer redis, ApiKeyIdentity key) =>
        (long)await redis.GetDatabase().HashGetAsync(UsageKeys.Day(key.Id, DateOnly.FromDateTime(Noon.UtcDateTime)), UsageLedger.TotalField);

    /// <summary>A ledger on a fake clock whose Redis is Garnet behind a <see cref="ReplyHoldingRelay"/>, and a direct connection to read Garnet.</summary>
    private sealed class RelayedLedger : IAsyncDisposable
    {
        private ConnectionMultiplexer? _viaRelay;

        private RelayedLedger(GarnetServerFixture garnet) => Relay = new ReplyHoldingRelay(garnet.Port);

        public FakeTimeProvider Clock { get; } = new(Noon);

        public ReplyHoldingRelay Relay { get; }

        public ConnectionMultiplexer Direct { get; private set; } = null!;

        public UsageLedger Ledger { get; private set; } = null!;

        public static async Task<RelayedLedger> StartAsync(GarnetServerFixture garnet)
        {
            var rig = new RelayedLedger(garnet);
            rig._viaRelay = await ConnectionMultiplexer.ConnectAsync(rig.Relay.ConnectionString);
            rig.Direct = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
            rig.Ledger = Ledger(rig.Clock, rig._viaRelay);
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            Ledger.Dispose();
            _viaRelay?.Dispose();
            await Relay.DisposeAsync();
            Direct.Dispose();
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(10, deadline.Token); // polls the real condition in Garnet
        }
    }
}
