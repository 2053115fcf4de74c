using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Luffy.Web.Extensions;

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For/-Proto/-Host</c> headers are believed: <c>Proxy:KnownProxies</c> (addresses)
/// and <c>Proxy:KnownNetworks</c> (CIDR). With none configured no forwarded header is read, so no client can claim
/// another address (the per-client login limit) or scheme.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    public string[] KnownProxies { get; set; } = [];
    public string[] KnownNetworks { get; set; } = [];

    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class ProxySetup
{
    public static WebApplicationBuilder AddProxies(this WebApplicationBuilder builder)
    {
        var proxy = builder.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        builder.Services.AddSingleton(proxy);
        if (!proxy.Enabled)
            return builder;
        var proxies = proxy.KnownProxies.Select(p => IPAddress.TryParse(p, out var address)
            ? address : throw new InvalidOperationException($"Proxy:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = proxy.KnownNetworks.Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network : throw new InvalidOperationException($"Proxy:KnownNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/8).")).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Only the configured ones: the framework's default trusts loopback.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var address in proxies)
                o.KnownProxies.Add(address);
            foreach (var network in networks)
                o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    public static WebApplication UseProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ProxyOptions>().Enabled)
            app.UseForwardedHeaders();
        return app;
    }
}
