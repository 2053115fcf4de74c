using System.Security.Cryptography;

namespace Luffy.Infrastructure.Alipay;

/// <summary>Loads RSA keys from PEM (PKCS#1 or PKCS#8 private keys, SPKI or PKCS#1 public keys), or from the bare base64 Alipay's console shows.</summary>
public static class AlipayKeys
{
    public static RSA Load(string text)
    {
        var rsa = RSA.Create();
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            rsa.ImportFromPem(trimmed);
            return rsa;
        }
        var der = Convert.FromBase64String(trimmed);
        foreach (var import in new Action[]
        {
            () => rsa.ImportPkcs8PrivateKey(der, out _),
            () => rsa.ImportRSAPrivateKey(der, out _),
            () => rsa.ImportSubjectPublicKeyInfo(der, out _),
            () => rsa.ImportRSAPublicKey(der, out _),
        })
        {
            try
            {
                import();
                return rsa;
            }
            catch (CryptographicException)
            {
            }
        }
        rsa.Dispose();
        throw new CryptographicException("Not an RSA key in PEM, PKCS#8, PKCS#1 or SubjectPublicKeyInfo form.");
    }

    public static RSA LoadFile(string path) => Load(File.ReadAllText(path));

    /// <summary>Writes a new 2048-bit pair as PEM files (PKCS#8 private, SPKI public) unless the private file exists.</summary>
    public static void EnsurePair(string privatePath, string publicPath)
    {
        if (File.Exists(privatePath) && File.Exists(publicPath))
            return;
        using var rsa = RSA.Create(2048);
        Directory.CreateDirectory(Path.GetDirectoryName(privatePath)!);
        File.WriteAllText(privatePath, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(publicPath, rsa.ExportSubjectPublicKeyInfoPem());
    }
}
