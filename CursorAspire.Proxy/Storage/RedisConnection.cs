using StackExchange.Redis;

namespace CursorAspire.Proxy.Storage;

/// <summary>How the proxy connects to Redis: so that a Redis that is down costs a request nothing.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Commands fail at once while the connection is down, instead of waiting in StackExchange.Redis's backlog for a
    /// reconnect until the command timeout (that wait is what made every request of an outage slow, even behind the
    /// stores' breakers, whose trials kept paying it). The proxy starts, and keeps running, without Redis.
    /// </summary>
    public static void FailFast(ConfigurationOptions options)
    {
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AbortOnConnectFail = false;
    }
}
