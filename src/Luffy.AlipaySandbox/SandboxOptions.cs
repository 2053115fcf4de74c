using System.Security.Cryptography;
using Luffy.Infrastructure.Alipay;

namespace Luffy.AlipaySandbox;

/// <summary>Who the sandbox serves and how it signs: one merchant (app id and public key) and the sandbox's own key.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    public string AppId { get; set; } = "2021000000000001";
    public string SellerId { get; set; } = "2088000000000001";

    /// <summary>Holds <c>app_public_key.pem</c> (the merchant's) and <c>alipay_private_key.pem</c> (the sandbox's).</summary>
    public string KeysDirectory { get; set; } = "sandbox-keys";

    /// <summary>Alipay's notify schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h) is divided by this.</summary>
    public double NotifyScheduleDivisor { get; set; } = 1;

    public static readonly TimeSpan[] NotifySchedule =
    [
        TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
        TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(15),
    ];
}

/// <summary>The keys, loaded once: the merchant's public key and the sandbox's private key.</summary>
public sealed class SandboxKeys
{
    public RSA MerchantPublicKey { get; }
    public RSA AlipayPrivateKey { get; }

    public SandboxKeys(SandboxOptions options)
    {
        var dir = Path.GetFullPath(options.KeysDirectory);
        AlipayKeys.EnsurePair(Path.Combine(dir, "app_private_key.pem"), Path.Combine(dir, "app_public_key.pem"));
        AlipayKeys.EnsurePair(Path.Combine(dir, "alipay_private_key.pem"), Path.Combine(dir, "alipay_public_key.pem"));
        MerchantPublicKey = AlipayKeys.LoadFile(Path.Combine(dir, "app_public_key.pem"));
        AlipayPrivateKey = AlipayKeys.LoadFile(Path.Combine(dir, "alipay_private_key.pem"));
    }
}
