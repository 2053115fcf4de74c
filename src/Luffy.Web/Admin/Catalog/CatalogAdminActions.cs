using System.Security.Claims;
using Luffy.Web.Extensions;

namespace Luffy.Web.Admin.Catalog;

/// <summary>
/// The course page's cover upload: a plain multipart form (the cookie and its antiforgery token, like every back-office
/// form), stored by <see cref="CatalogAdmin.ReplaceCoverAsync"/>; back to the course's page with what happened.
/// </summary>
public static class CatalogAdminActions
{
    // The file and the multipart framing around it; a larger body is the platform's 413 page.
    private const long CoverBodyBytes = CoverImages.MaxBytes + 64 * 1024;

    public static IEndpointRouteBuilder MapCatalogAdminActions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/courses/{id:int}/cover", async (int id, IFormFile? file, ClaimsPrincipal user, CatalogAdmin catalog) =>
            {
                if (file is null)
                    return Back(id, error: "请选择要上传的封面图片");
                await using var content = file.OpenReadStream();
                var (cover, refusal) = await catalog.ReplaceCoverAsync(user, id, content, file.Length);
                return cover is null ? Back(id, error: refusal!.Message) : Back(id, done: "已更换封面");
            })
            .ForStorefront()
            .RequireAuthorization(AdminSetup.Policy)
            .WithMetadata(new RequestSizeLimitAttribute(CoverBodyBytes))
            .WithFormOptions(multipartBodyLengthLimit: CoverBodyBytes)
            .ExcludeFromDescription();
        return app;
    }

    private static IResult Back(int id, string? done = null, string? error = null) =>
        Results.Redirect(done is not null ? $"/admin/courses/{id}?done={Uri.EscapeDataString(done)}" : $"/admin/courses/{id}?error={Uri.EscapeDataString(error!)}");
}
