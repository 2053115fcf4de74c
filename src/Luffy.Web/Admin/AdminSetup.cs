using Luffy.Web.Accounts;
using Luffy.Web.Admin.Promotions;
using Luffy.Web.Admin.Coupons;
using Luffy.Web.Admin.Catalog;
using Luffy.Web.Admin.Learners;
using Luffy.Web.Admin.Orders;
using Luffy.Web.Refunds;
using Luffy.Web.Admin.Refunds;
using Luffy.Web.Admin.Reconciliation;
using Luffy.Web.Admin.Reports;
using Microsoft.AspNetCore.Authorization;

namespace Luffy.Web.Admin;

/// <summary>
/// The back office: pages under <c>/admin</c> (the sign-in cookie, antiforgery on every form, like the storefront) and
/// the admin API under <c>/admin/api/</c> (the JWT header only), both for the admin role only.
/// </summary>
public static class AdminSetup
{
    /// <summary>The policy of every back-office page and endpoint: a signed-in account with the admin role.</summary>
    public const string Policy = "Admin";

    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireClaim("role", "admin").AddRequirements(new StillAdmin()));
        builder.Services.AddSingleton<IAuthorizationHandler, StillAdminHandler>();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<AdminAccounts>();
        builder.Services.AddScoped<AuditQueries>();
        builder.Services.AddScoped<PromotionsAdmin>();
        builder.Services.AddScoped<CouponsAdmin>();
        builder.Services.AddCatalogAdmin();
        builder.Services.AddScoped<LearnersAdmin>();
        builder.Services.AddScoped<OrdersAdmin>();
        builder.Services.AddScoped<ReconciliationAdmin>();
        builder.Services.AddScoped<ReportsAdmin>();
        return builder;
    }

    /// <summary>The admin API's group: the admin role through the JWT header (the cookie never drives the API).</summary>
    public static RouteGroupBuilder MapAdminApi(this WebApplication app)
    {
        var api = app.MapGroup("/admin/api").RequireAuthorization(Policy).WithTags("Admin");
        api.MapAuditApi();
        api.MapAdminAccountsApi();
        api.MapPromotionsApi();
        api.MapCouponsAdminApi();
        api.MapCatalogAdminApi();
        api.MapLearnersAdminApi();
        api.MapOrdersAdminApi();
        api.MapRefundsAdminApi();
        api.MapReconciliationAdminApi();
        api.MapReportsAdminApi();
        // The back-office pages' form posts that are not Blazor forms (file uploads), beside the API they mirror.
        app.MapCatalogAdminActions();
        app.MapOrdersExportPage();
        app.MapRefundActions();
        return api;
    }
}

/// <summary>A back-office page: the admin role only (a student gets 403, an anonymous visitor the login page).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AdminPageAttribute() : AuthorizeAttribute(AdminSetup.Policy);

/// <summary>The account still has the admin role: taking it away ends the back office for its tokens and cookies at once.</summary>
public sealed class StillAdmin : IAuthorizationRequirement;

public sealed class StillAdminHandler(UserAccess access) : AuthorizationHandler<StillAdmin>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StillAdmin requirement)
    {
        if (context.User.FindFirst("sub")?.Value is { } sub && int.TryParse(sub, out var id) && await access.IsAdminAsync(id))
            context.Succeed(requirement);
    }
}
