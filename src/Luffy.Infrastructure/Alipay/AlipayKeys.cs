using System.Security.Cryptography;
using System.Text;

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

    /// <summary>
    /// Writes a new 2048-bit pair as PEM files (PKCS#8 private, SPKI public) unless both exist; the directory
    /// and the files are owner-only (see <see cref="OwnerOnly"/>), also when they existed.
    /// </summary>
    public static void EnsurePair(string privatePath, string publicPath)
    {
        OwnerOnly.Directory(Path.GetDirectoryName(privatePath)!);
        if (!File.Exists(privatePath) || !File.Exists(publicPath))
        {
            using var rsa = RSA.Create(2048);
            File.Delete(privatePath);
            File.Delete(publicPath);
            OwnerOnly.TryCreate(privatePath, Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem()));
            OwnerOnly.TryCreate(publicPath, Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()));
        }
        OwnerOnly.File(privatePath);
        OwnerOnly.File(publicPath);
    }
}
