using Luffy.AlipaySandbox;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Payments;

public static class PaymentSetup
{
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(AlipayOptions.Section).Get<AlipayOptions>() ?? new();
        services.AddOptions<AlipayOptions>().BindConfiguration(AlipayOptions.Section)
            .Validate(o => o.UsesEmbeddedSandbox || (!string.IsNullOrWhiteSpace(o.AppPrivateKeyPath) && !string.IsNullOrWhiteSpace(o.AlipayPublicKeyPath)),
                "Alipay:Gateway is set: Alipay:AppPrivateKeyPath and Alipay:AlipayPublicKeyPath must name the merchant's private key and Alipay's public key (PEM files).")
            .ValidateOnStart();
        services.AddSingleton<SelfUrl>();

        if (options.UsesEmbeddedSandbox)
        {
            // The tutorial's file names, under <data directory>/keys/: the merchant's pair and the sandbox's pair.
            var keys = Path.Combine(builder.Configuration.GetSection(LuffyOptions.Section).Get<LuffyOptions>()?.FullDataDirectory ?? Path.GetFullPath("data"), "keys");
            options.AppPrivateKeyPath = Path.Combine(keys, "app_private_key.pem");
            options.AlipayPublicKeyPath = Path.Combine(keys, "alipay_public_key.pem");
            services.AddAlipaySandbox(new SandboxOptions
            {
                AppId = options.AppId,
                KeysDirectory = keys,
                NotifyScheduleDivisor = options.SandboxNotifyScheduleDivisor,
            });
        }

        services.AddHttpClient<AlipayHttp>(c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton(sp =>
        {
            if (options.UsesEmbeddedSandbox)
                _ = sp.GetRequiredService<SandboxKeys>(); // generates the pairs on first start
            var self = sp.GetRequiredService<SelfUrl>();
            Func<string> gateway = options.Gateway is { Length: > 0 } g ? () => g : () => $"{self.Value}{AlipayOptions.SandboxPath}/gateway.do";
            return new AlipayMerchant(gateway, options.AppId, AlipayKeys.LoadFile(options.AppPrivateKeyPath!), AlipayKeys.LoadFile(options.AlipayPublicKeyPath!));
        });
        services.AddTransient(sp => new AlipayClient(sp.GetRequiredService<AlipayHttp>().Client, sp.GetRequiredService<AlipayMerchant>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new PaymentUrls(options.NotifyUrl, options.ReturnUrl));
        services.AddScoped<PaymentService>();
        return builder;
    }

    public static WebApplication MapPayments(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AlipayOptions>>().Value.UsesEmbeddedSandbox)
        {
            _ = app.Services.GetRequiredService<SandboxKeys>(); // the pairs, generated or made owner-only, at start
            app.MapAlipaySandbox(AlipayOptions.SandboxPath);
        }
        app.MapPaymentsApi();
        return app;
    }
}

/// <summary>The HttpClient the Alipay client talks through (from the factory, so handlers are pooled).</summary>
public sealed class AlipayHttp(HttpClient client)
{
    public HttpClient Client { get; } = client;
}

/// <summary>Configured callback URLs; null ones default to this app's own result endpoint.</summary>
public sealed record PaymentUrls(string? Notify, string? Return)
{
    public const string ResultPath = "/payments/alipay/result/";
    /// <summary>The storefront's result page (Success.vue): the default return URL.</summary>
    public const string ResultPage = "/payment/result";
}
