using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;

namespace Luffy.Web.Admin.Catalog;

/// <summary>Why an uploaded cover was not taken: no such course (404), too large (413), not a PNG, JPEG or WebP image (415), or unusable (400).</summary>
public enum CoverProblem
{
    CourseMissing,
    TooLarge,
    NotAnImage,
    Unusable,
}

public sealed record CoverRefusal(CoverProblem Problem, string Message);

/// <summary>A cover as stored: its site-relative URL and its size after resizing.</summary>
public sealed record StoredCover(string Url, int Width, int Height);

/// <summary>
/// Course covers uploaded in the back office. What the file is, is decided by its content (ImageSharp reads it), never
/// by its name or Content-Type; it is decoded, shrunk to fit the listing's card, and written again as a JPEG without
/// its metadata (camera, location), under a new name in the data directory's <c>media/covers/</c>, served at
/// <c>/media/covers/…</c> like the demo's covers.
/// </summary>
public sealed class CoverImages(IOptions<LuffyOptions> options)
{
    public const long MaxBytes = 2 * 1024 * 1024;
    /// <summary>The listing's card: a cover fits within it (never enlarged).</summary>
    public static readonly Size Box = new(700, 460);
    // A small file can still unpack to a huge bitmap (4 bytes a pixel): 16 megapixels are 64 MB while decoding.
    private const long MaxPixels = 16_000_000;

    public async Task<(StoredCover? Cover, CoverRefusal? Refusal)> StoreAsync(Stream content, long length, CancellationToken cancellationToken = default)
    {
        if (length > MaxBytes)
            return (null, new(CoverProblem.TooLarge, $"图片不能超过 {MaxBytes / 1024 / 1024} MB"));
        if (length == 0)
            return (null, new(CoverProblem.Unusable, "请选择要上传的封面图片"));
        using var buffer = new MemoryStream((int)length);
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
            return (null, new(CoverProblem.TooLarge, $"图片不能超过 {MaxBytes / 1024 / 1024} MB"));

        buffer.Position = 0;
        var format = Image.DetectFormat(buffer);
        if (format is not (PngFormat or JpegFormat or WebpFormat))
            return (null, new(CoverProblem.NotAnImage, "只能上传 PNG、JPEG 或 WebP 格式的图片"));
        try
        {
            buffer.Position = 0;
            var info = await Image.IdentifyAsync(buffer, cancellationToken);
            if (info is null || (long)info.Width * info.Height > MaxPixels)
                return (null, new(CoverProblem.Unusable, "图片尺寸过大，请先缩小到 1600 万像素以内"));
            buffer.Position = 0;
            using var image = await Image.LoadAsync(buffer, cancellationToken);
            if (image.Width > Box.Width || image.Height > Box.Height)
                image.Mutate(x => x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = Box }));
            // JPEG has no transparency: a transparent PNG's background becomes white, not black.
            image.Mutate(x => x.BackgroundColor(Color.White));
            image.Metadata.ExifProfile = null;
            image.Metadata.IccProfile = null;
            image.Metadata.IptcProfile = null;
            image.Metadata.XmpProfile = null;

            var directory = Path.Combine(options.Value.FullDataDirectory, "media", "covers");
            Directory.CreateDirectory(directory);
            var name = $"{Guid.NewGuid():N}.jpg";
            // Written beside, then renamed: a page never serves half a file.
            var temporary = Path.Combine(directory, name + ".tmp");
            await image.SaveAsJpegAsync(temporary, new JpegEncoder { Quality = 85 }, cancellationToken);
            File.Move(temporary, Path.Combine(directory, name));
            return (new StoredCover($"/media/covers/{name}", image.Width, image.Height), null);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException)
        {
            return (null, new(CoverProblem.NotAnImage, "图片文件已损坏或无法读取"));
        }
    }
}
