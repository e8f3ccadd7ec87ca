using System.Net;
using System.Net.Sockets;

namespace OpsDash.SharedKernel.Outbound;

/// <summary>The addresses an outbound call may never dial: anything that is not the public internet.</summary>
public static class AddressGuard
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // unspecified, "this network"
        (IPAddress.Parse("10.0.0.0"), 8),       // RFC 1918
        (IPAddress.Parse("100.64.0.0"), 10),    // CGNAT (Alibaba's metadata 100.100.100.200 is in it)
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata 169.254.169.254
        (IPAddress.Parse("172.16.0.0"), 12),    // RFC 1918
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments (incl. Oracle's metadata 192.0.0.192)
        (IPAddress.Parse("192.168.0.0"), 16),   // RFC 1918
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.IPv6None, 96),                // ::, ::1 and the IPv4-compatible ::a.b.c.d
        (IPAddress.Parse("fc00::"), 7),          // unique local (AWS metadata fd00:ec2::254 is in it)
        (IPAddress.Parse("fe80::"), 10),         // link-local
        (IPAddress.Parse("fec0::"), 10),         // deprecated site-local
        (IPAddress.Parse("ff00::"), 8),          // multicast
        (IPAddress.Parse("2001:db8::"), 32),     // documentation
        // RFC 8215 local-use IPv4/IPv6 translation. The network picks where the IPv4 address sits
        // (RFC 6052 lets it use /48, /56, /64 or /96 sub-prefixes) and the address does not say which,
        // so what it reaches cannot be checked: a private IPv4 would pass under the wrong reading.
        (IPAddress.Parse("64:ff9b:1::"), 48),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    /// <summary>
    /// True when <paramref name="address"/> (IPv4-mapped and well-known NAT64 forms unwrapped) is not a public address;
    /// every local-use NAT64 address (64:ff9b:1::/48) is refused.
    /// </summary>
    public static bool IsBlocked(IPAddress address)
    {
        var candidate = Unwrap(address);
        if (candidate.AddressFamily == AddressFamily.InterNetwork)
        {
            return BlockedV4.Any(b => InPrefix(candidate, b.Network, b.Prefix));
        }

        return candidate.AddressFamily != AddressFamily.InterNetworkV6 || BlockedV6.Any(b => InPrefix(candidate, b.Network, b.Prefix));
    }

    // ::ffff:127.0.0.1 and 64:ff9b::7f00:1 reach 127.0.0.1 (the well-known prefix is /96 only, so the
    // IPv4 address is always its last 32 bits). IPv4-compatible forms (::a.b.c.d, deprecated, never
    // routed) and :: / ::1 stay IPv6: every address under ::/96 is refused below.
    private static IPAddress Unwrap(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return InPrefix(address, Nat64, 96) ? new IPAddress(address.GetAddressBytes().AsSpan(12)) : address;
    }

    private static bool InPrefix(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefix / 8;
        if (!a.AsSpan(0, full).SequenceEqual(n.AsSpan(0, full)))
        {
            return false;
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }
}
