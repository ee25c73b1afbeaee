using System.Net;
using System.Net.Sockets;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// The caller's address as the failed-authentication throttle counts it: the connection's, or the one a trusted hop
/// named (<see cref="ForwardedHeadersSettings"/>); an IPv6 address by its /64, which one subscriber usually holds whole.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => Of(context.Connection.RemoteIpAddress);

    /// <summary>An address as it is counted: IPv4 as it is (IPv4-mapped IPv6 too), IPv6 as its <c>/64</c> network.</summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }
}
