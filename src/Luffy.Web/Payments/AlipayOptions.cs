namespace Luffy.Web.Payments;

/// <summary>
/// Where payments go. Embedded mode (no <c>Alipay:Gateway</c>) mounts the sandbox gateway in the app at
/// <see cref="SandboxPath"/> with keys generated under <c>&lt;data directory&gt;/keys/</c>; real Alipay is
/// the gateway URL, the app id and the two keys.
/// </summary>
public sealed class AlipayOptions
{
    public const string Section = "Alipay";
    public const string SandboxPath = "/alipay-sandbox";

    /// <summary>e.g. <c>https://openapi.alipay.com/gateway.do</c>; empty = the embedded sandbox.</summary>
    public string? Gateway { get; set; }
    public string AppId { get; set; } = "2021000000000001";
    /// <summary>PEM file of the merchant's private key (PKCS#1 or PKCS#8).</summary>
    public string? AppPrivateKeyPath { get; set; }
    /// <summary>PEM file of Alipay's public key.</summary>
    public string? AlipayPublicKeyPath { get; set; }
    /// <summary>Where the gateway posts notifications; default <c>{this app}/payments/alipay/result/</c>.</summary>
    public string? NotifyUrl { get; set; }
    /// <summary>Where the buyer's browser returns; default the storefront's <c>{this app}/payment/result</c> page.</summary>
    public string? ReturnUrl { get; set; }
    /// <summary>The embedded sandbox divides Alipay's notify retry schedule by this.</summary>
    public double SandboxNotifyScheduleDivisor { get; set; } = 60;

    /// <summary>
    /// Production mode with the built-in sandbox gateway instead of Alipay (a trial shop): must be asked for explicitly,
    /// since anyone can pay any order there; a warning says so at every start.
    /// </summary>
    public bool Sandbox { get; set; }

    public bool UsesEmbeddedSandbox => string.IsNullOrWhiteSpace(Gateway);
}
