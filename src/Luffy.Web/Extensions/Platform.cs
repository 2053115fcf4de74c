using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Luffy.Infrastructure.Cart;
using Luffy.Infrastructure.Catalog;
using Luffy.Infrastructure.Redis;
using Luffy.Infrastructure.Seeding;
using Luffy.Web.Accounts;
using Luffy.Web.Health;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Luffy.Web.Extensions;

/// <summary>
/// What every feature stands on: settings, the database, Redis (or the embedded Garnet), JSON, the error contract,
/// request limits, proxies, data protection, pages, OpenAPI, CORS, health checks; and the request pipeline around them.
/// The features add their own services (<c>AddAccounts</c>, <c>AddCart</c>, …) in Program.cs.
/// </summary>
public static class Platform
{
    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Defaults in code: `dotnet run` keeps the caller's directory, where no appsettings.json is looked for.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        var luffy = configuration.GetSection(LuffyOptions.Section).Get<LuffyOptions>() ?? new();
        services.AddOptions<LuffyOptions>().BindConfiguration(LuffyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LuffyOptions>, SettingsValidator>();

        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        database.ConnectionString ??= configuration.GetConnectionString("Luffy");
        var redis = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        services.AddSingleton(database).AddSingleton(redis);

        var dataDirectory = luffy.FullDataDirectory;
        services.AddLuffyDatabase(database, dataDirectory);
        services.AddLuffyRedis(redis, dataDirectory);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<DemoSeeder>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowReadingFromString;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddRequestValidation();
        services.AddExceptionHandler<ApiExceptionHandler>();
        builder.AddRequestLimits();

        builder.AddProxies();
        services.AddHttpContextAccessor();
        // The keys behind the sign-in cookie and the antiforgery tokens: in the data directory in embedded mode,
        // in Redis otherwise, so that every instance reads every other's cookies.
        var dataProtection = services.AddDataProtection().SetApplicationName("Luffy");
        if (string.IsNullOrWhiteSpace(redis.Configuration))
        {
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<ILoggerFactory>((o, loggers) => o.XmlRepository = new OwnerOnlyKeyRepository(Path.Combine(dataDirectory, "dataprotection"), loggers));
            // Its warning at the first start that the new key "may be persisted to storage in unencrypted form" says
            // what OwnerOnlyKeyRepository answers (owner-only files); the key manager's errors are still heard.
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        }
        else
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<StackExchange.Redis.IConnectionMultiplexer, RedisKeys>((o, connection, keys) =>
                    o.XmlRepository = new Microsoft.AspNetCore.DataProtection.StackExchangeRedis.RedisXmlRepository(
                        () => connection.GetDatabase(), keys.DataProtection));
        services.AddRazorComponents();
        // Pages carry Chinese as UTF-8 text rather than a &#x…; entity per character; < > & ' " are still escaped.
        services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddOpenApi();
        services.AddLuffyCors();
        services.AddLuffyHealthChecks();
        return builder;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseProxies();
        app.UseSecurityHeaders();
        // ApiExceptionHandler answers; a 500 is still logged, a client's bad input is not.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            SuppressDiagnosticsCallback = context => ApiErrors.IsClientError(context.Exception),
        });
        app.UseStatusCodePages(ApiErrors.WriteStatusMessage);
        app.UseNulGuard();
        if (app.Services.GetRequiredService<IOptions<LuffyOptions>>().Value.SqlCountHeader)
            app.UseSqlCountHeader();

        var media = Path.Combine(app.Services.GetRequiredService<IOptions<LuffyOptions>>().Value.FullDataDirectory, "media");
        Directory.CreateDirectory(media);
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/media",
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(media),
        });

        // The storefront's own files, from beside the app: `dotnet run` keeps the caller's directory as content root.
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot")),
        });
        // Preflights are answered here, before authentication and antiforgery could refuse them.
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseStorefrontAntiforgery();
        app.UseStorefrontQueryCheck();
        // After the antiforgery check: a forged login post from another site does not use up its victim's attempts.
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }

    /// <summary>Validates the settings, applies migrations and, in embedded mode, seeds the demo data.</summary>
    public static async Task InitializeAsync(this WebApplication app)
    {
        // Connect (and start the embedded Garnet) now, so a broken Redis setting stops the start.
        app.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        // The JWT key, generated or made owner-only, at start rather than at the first request that needs it.
        app.Services.GetRequiredService<JwtSigningKey>();
        await app.InitializeDatabaseAsync();
    }

    /// <summary>Applies migrations and, in embedded mode, seeds the demo data; without Redis (the command line uses it alone).</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<LuffyOptions>>().Value;
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        if (scope.ServiceProvider.GetRequiredService<DatabaseOptions>().MigrateOnStart)
            await DatabaseRegistration.MigrateAsync(db);
        if (options is { Mode: RunMode.Embedded, SeedDemoData: true })
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(Path.Combine(options.FullDataDirectory, "media"));
    }

    private static void UseSqlCountHeader(this WebApplication app)
    {
        var counter = app.Services.GetRequiredService<SqlCommandCounter>();
        app.Use((context, next) =>
        {
            var scope = counter.BeginScope();
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["X-Sql-Commands"] = scope.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
