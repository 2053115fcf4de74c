namespace Luffy.Web.Catalog;

public static class MediaUrls
{
    /// <summary>Stored media paths are site-relative; clients on another origin (the tutorial's Vue app) need them absolute.</summary>
    public static string Absolute(HttpRequest request, string path) =>
        path.StartsWith('/') ? $"{request.Scheme}://{request.Host}{request.PathBase}{path}" : path;
}
