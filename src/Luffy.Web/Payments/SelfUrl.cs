using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Luffy.Web.Payments;

/// <summary>This app's own base URL, from the addresses the server listens on (for the embedded sandbox and default callback URLs).</summary>
public sealed class SelfUrl(IServer server)
{
    private string? _value;

    /// <summary>Known once the server listens; before that (or on a test server) <c>http://localhost</c>, not remembered.</summary>
    public string Value => _value ?? Resolve() ?? "http://localhost";

    private string? Resolve()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault();
        if (address is null)
            return null;
        // A wildcard binding is reachable on loopback.
        return _value = address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").TrimEnd('/');
    }
}
