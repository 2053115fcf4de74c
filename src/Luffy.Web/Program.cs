using Luffy.Web.Accounts;
using Luffy.Web.Admin;
using Luffy.Web.Cart;
using Luffy.Web.Catalog;
using Luffy.Web.Coupons;
using Luffy.Web.Extensions;
using Luffy.Web.Health;
using Luffy.Web.Learning;
using Luffy.Web.Orders;
using Luffy.Web.Payments;
using Luffy.Web.Refunds;

var builder = WebApplication.CreateBuilder(args);

// What every feature stands on: settings, database, Redis or the embedded Garnet, JSON, errors, request limits,
// proxies, data protection, pages, OpenAPI, CORS, health checks (Extensions/Platform.cs).
builder.AddPlatform();
// The features, one folder each: their services, options and background jobs.
builder.AddAccounts();
builder.AddCatalog();
builder.AddCart();
builder.AddOrders();
builder.AddPayments();
builder.AddRefunds();
builder.AddLearning();
// The back office (/admin pages, /admin/api): operators, their audit log, and each feature's admin side.
builder.AddAdmin();

var app = builder.Build();

app.UsePlatform();

// The JSON API (the tutorial's Vue client; OpenAPI at /openapi/v1.json).
app.MapAccountsApi();
app.MapCreditsApi();
app.MapCatalogApi();
app.MapCartApi();
app.MapCouponsApi();
app.MapOrdersApi();
app.MapPaymentsApi();
app.MapRefundsApi();
app.MapLearningApi();
app.MapAdminApi();
app.MapHealth();
// The Alipay sandbox gateway, in embedded mode (or with Alipay:Sandbox=true).
app.MapSandboxGatewayWhereUsed();
// The storefront: its form posts and its pages.
app.MapAccountActions();
app.MapCartActions();
app.MapOrderActions();
app.MapCouponCentre();
app.MapRazorComponents<Luffy.Web.Components.App>().ForStorefront();

// `dotnet Luffy.Web.dll admin create NAME` makes an admin account in the database and exits (Admin/AdminCommand.cs).
if (AdminCommand.IsAdminCommand(args))
{
    await app.InitializeDatabaseAsync();
    return await AdminCommand.RunAsync(app, args);
}
await app.InitializeAsync();
await app.RunAsync();
return 0;

/// <summary>The web host; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
