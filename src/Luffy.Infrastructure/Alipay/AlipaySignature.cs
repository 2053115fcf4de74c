using System.Security.Cryptography;
using System.Text;

namespace Luffy.Infrastructure.Alipay;

/// <summary>
/// The Alipay Open Platform signature: parameters sorted by ordinal key, <c>k=v</c> joined by <c>&amp;</c> over raw
/// (not URL-encoded) values, empty values skipped; RSA2 = SHA256withRSA, PKCS#1 v1.5, base64.
/// Requests leave out <c>sign</c>; notifications and returns leave out <c>sign</c> and <c>sign_type</c>.
/// </summary>
public static class AlipaySignature
{
    private static readonly string[] RequestExcluded = ["sign"];
    private static readonly string[] NotificationExcluded = ["sign", "sign_type"];

    /// <summary>The string that is signed.</summary>
    public static string Content(IEnumerable<KeyValuePair<string, string?>> parameters, IReadOnlyCollection<string> excluded) =>
        string.Join('&', parameters
            .Where(p => !string.IsNullOrEmpty(p.Value) && !excluded.Contains(p.Key))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    public static string Sign(string content, RSA privateKey) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(string content, string? signature, RSA publicKey)
    {
        if (string.IsNullOrEmpty(signature))
            return false;
        var bytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, bytes, out var length))
            return false;
        try
        {
            return publicKey.VerifyData(Encoding.UTF8.GetBytes(content), bytes.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The <c>sign</c> of a request (everything but <c>sign</c> is signed).</summary>
    public static string SignRequest(IEnumerable<KeyValuePair<string, string?>> parameters, RSA privateKey) =>
        Sign(Content(parameters, RequestExcluded), privateKey);

    public static bool VerifyRequest(IReadOnlyDictionary<string, string?> parameters, RSA publicKey) =>
        Verify(Content(parameters, RequestExcluded), parameters.GetValueOrDefault("sign"), publicKey);

    /// <summary>Signs a notification or a return (everything but <c>sign</c> and <c>sign_type</c>).</summary>
    public static string SignNotification(IEnumerable<KeyValuePair<string, string?>> parameters, RSA privateKey) =>
        Sign(Content(parameters, NotificationExcluded), privateKey);

    public static bool VerifyNotification(IReadOnlyDictionary<string, string?> parameters, RSA publicKey) =>
        Verify(Content(parameters, NotificationExcluded), parameters.GetValueOrDefault("sign"), publicKey);
}
