using Luffy.AlipaySandbox;
using Luffy.Infrastructure.Alipay;
using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Payments;

public static partial class PaymentSetup
{
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(AlipayOptions.Section).Get<AlipayOptions>() ?? new();
        // Production mode without Alipay settings is refused with the other missing settings (SettingsValidator).
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

        // Every call the app makes (query, close, refund by out_request_no) is idempotent at Alipay, so a transient
        // failure is retried: the framework's standard pipeline (10 s an attempt, 30 s in all, a circuit breaker).
        services.AddHttpClient<AlipayHttp>().AddStandardResilienceHandler(o =>
        {
            o.Retry.MaxRetryAttempts = 2;
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
        });
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
        services.AddScoped<PayUrlService>();
        services.AddScoped<PaymentFulfilment>();
        services.AddScoped<AlipayCallbacks>();
        services.AddScoped<GatewayReconciliation>();
        services.AddScoped<UnappliedPayments>();
        services.AddSingleton<PaymentMetrics>();
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section)
            .Validate(o => o.CheckInterval > TimeSpan.Zero && o.Lease > TimeSpan.Zero,
                "Reconciliation:CheckInterval and Reconciliation:Lease must be positive durations (e.g. 00:10:00); Reconciliation:RunAfter is a China time (e.g. 09:30).")
            .ValidateOnStart();
        services.AddScoped<BillReconciliation>();
        services.AddSingleton<ReconciliationJob>();
        services.AddHostedService(sp => sp.GetRequiredService<ReconciliationJob>());
        return builder;
    }

    /// <summary>
    /// The sandbox gateway (cashier, gateway.do, scripted payments) where it is the payment provider: in embedded
    /// mode, or in production only with <c>Alipay:Sandbox=true</c>. Production never falls back to it: without
    /// Alipay settings the start is refused (validation above).
    /// </summary>
    public static WebApplication MapSandboxGatewayWhereUsed(this WebApplication app)
    {
        var alipay = app.Services.GetRequiredService<IOptions<AlipayOptions>>().Value;
        var mode = app.Services.GetRequiredService<IOptions<LuffyOptions>>().Value.Mode;
        if (alipay.UsesEmbeddedSandbox && (mode == RunMode.Embedded || alipay.Sandbox))
        {
            _ = app.Services.GetRequiredService<SandboxKeys>(); // the pairs, generated or made owner-only, at start
            app.MapAlipaySandbox(AlipayOptions.SandboxPath);
            if (mode == RunMode.Production)
                LogSandboxInProduction(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PaymentSetup)));
        }
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay:Sandbox=true: payments go to the built-in sandbox gateway, where anyone can pay any order without money. Never for a real shop.")]
    private static partial void LogSandboxInProduction(ILogger logger);
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
