using Microsoft.EntityFrameworkCore.Design;

namespace Luffy.Infrastructure.Data;

// Used by `dotnet ef migrations add` only: each provider keeps its own migration set.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLuffyDbContext>
{
    public SqliteLuffyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite("Data Source=design.db").UseSnakeCaseNamingConvention().Options);
}

internal sealed class NpgsqlDesignTimeFactory : IDesignTimeDbContextFactory<NpgsqlLuffyDbContext>
{
    public NpgsqlLuffyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NpgsqlLuffyDbContext>().UseNpgsql("Host=127.0.0.1;Database=design").UseSnakeCaseNamingConvention().Options);
}
