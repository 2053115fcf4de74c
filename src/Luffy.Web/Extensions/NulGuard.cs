namespace Luffy.Web.Extensions;

/// <summary>
/// A NUL character in the query is refused with a 400 before anything reads it: no text column takes one (PostgreSQL
/// refuses it in any string, so an order number with one was a 500 there). Kestrel already refuses one in the path.
/// </summary>
public static class NulGuard
{
    public static WebApplication UseNulGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true)
            {
                await ApiErrors.WriteRefusalAsync(context, StatusCodes.Status400BadRequest, "请求地址含有无效字符");
                return;
            }
            await next(context);
        });
        return app;
    }
}
