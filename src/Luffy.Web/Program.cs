using Luffy.Web.Accounts;
using Luffy.Web.Cart;
using Luffy.Web.Catalog;
using Luffy.Web.Coupons;
using Luffy.Web.Extensions;
using Luffy.Web.Health;
using Luffy.Web.Learning;
using Luffy.Web.Orders;
using Luffy.Web.Payments;

MallocArenas.Limit();

var builder = WebApplication.CreateBuilder(args);

builder.AddApplicationServices();
builder.AddOrders();
builder.AddPayments();

var app = builder.Build();

app.UseApplicationPipeline();

app.MapAccountsApi();
app.MapCatalogApi();
app.MapCartApi();
app.MapCouponsApi();
app.MapCreditsApi();
app.MapOrdersApi();
app.MapPayments();
app.MapLearningApi();
app.MapLuffyHealth();
app.MapAccountActions();
app.MapCartActions();
app.MapOrderActions();
app.MapRazorComponents<Luffy.Web.Components.App>().ForStorefront();

await app.InitializeAsync();
await app.RunAsync();

/// <summary>The web host; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
