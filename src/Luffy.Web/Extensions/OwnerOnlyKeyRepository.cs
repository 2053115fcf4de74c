using System.Xml.Linq;
using Luffy.Infrastructure;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Luffy.Web.Extensions;

/// <summary>
/// The data-protection keys in <c>&lt;data directory&gt;/dataprotection</c>, readable by the owner only: the directory
/// 0700 and every key file 0600, also those an older version wrote. This is what protects them in embedded mode,
/// in place of an XML encryptor: Linux has no DPAPI, and a key to encrypt them with would sit beside them.
/// </summary>
public sealed class OwnerOnlyKeyRepository : IXmlRepository
{
    private readonly string _directory;
    private readonly FileSystemXmlRepository _files;

    public OwnerOnlyKeyRepository(string directory, ILoggerFactory loggerFactory)
    {
        _directory = directory;
        OwnerOnly.Directory(directory);
        OwnerOnly.Files(directory, "*.xml");
        _files = new FileSystemXmlRepository(new DirectoryInfo(directory), loggerFactory);
    }

    public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        _files.StoreElement(element, friendlyName);
        OwnerOnly.Files(_directory, "*.xml");
    }
}
