using Luffy.Domain.Coupons;
using Luffy.Domain.Pricing;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Luffy.Infrastructure.Data;

/// <summary>
/// The database. Each provider has its own subclass with its own migrations
/// (<see cref="SqliteLuffyDbContext"/>, <see cref="NpgsqlLuffyDbContext"/>); services depend on this base.
/// </summary>
public abstract class LuffyDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<CreditEntry> CreditEntries => Set<CreditEntry>();
    public DbSet<CourseCategory> CourseCategories => Set<CourseCategory>();
    public DbSet<Course> Courses => Set<Course>();
    public DbSet<CourseExpire> CourseExpires => Set<CourseExpire>();
    public DbSet<CourseChapter> CourseChapters => Set<CourseChapter>();
    public DbSet<CourseLesson> CourseLessons => Set<CourseLesson>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<DiscountType> DiscountTypes => Set<DiscountType>();
    public DbSet<Discount> Discounts => Set<Discount>();
    public DbSet<CoursePriceDiscount> CoursePriceDiscounts => Set<CoursePriceDiscount>();
    public DbSet<Coupon> Coupons => Set<Coupon>();
    public DbSet<CouponScope> CouponScopes => Set<CouponScope>();
    public DbSet<UserCoupon> UserCoupons => Set<UserCoupon>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderDetail> OrderDetails => Set<OrderDetail>();
    public DbSet<UserCourse> UserCourses => Set<UserCourse>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<PaymentNotification> PaymentNotifications => Set<PaymentNotification>();
    public DbSet<PaymentException> PaymentExceptions => Set<PaymentException>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<RefundLine> RefundLines => Set<RefundLine>();
    public DbSet<ReconciliationRun> ReconciliationRuns => Set<ReconciliationRun>();
    public DbSet<ReconciliationMismatch> ReconciliationMismatches => Set<ReconciliationMismatch>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Every DateTime is UTC; SQLite hands them back unspecified, PostgreSQL insists on UTC.
        builder.Properties<DateTime>().HaveConversion<UtcConverter>();
        builder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
        // Money is stored as its fen, an integer column named after the property.
        builder.Properties<Money>().HaveConversion<MoneyConverter>();
        builder.Properties<string>().HaveMaxLength(256);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>(e =>
        {
            e.ToTable("ly_user");
            e.HasIndex(u => u.Username).IsUnique();
            e.HasIndex(u => u.NormalizedUsername).IsUnique();
            e.Property(u => u.NormalizedUsername).HasMaxLength(32);
            e.HasIndex(u => u.Mobile).IsUnique();
            e.Property(u => u.Username).HasMaxLength(32);
            e.Property(u => u.Mobile).HasMaxLength(16);
        });
        model.Entity<CreditEntry>(e =>
        {
            e.ToTable("ly_credit_entry");
            e.HasIndex(c => new { c.UserId, c.Id });
            e.HasOne<User>().WithMany().HasForeignKey(c => c.UserId);
        });
        model.Entity<CourseCategory>().ToTable("ly_course_category");
        model.Entity<Course>(e =>
        {
            e.ToTable("ly_course");
            e.HasIndex(c => c.CategoryId);
            e.HasIndex(c => c.Price);
            e.HasIndex(c => c.Students);
            e.HasIndex(c => new { c.Orders, c.Id });
            e.Property(c => c.Brief).HasMaxLength(4000);
            e.HasOne(c => c.Category).WithMany().HasForeignKey(c => c.CategoryId);
            e.HasMany(c => c.Expires).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(c => c.Chapters).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(c => c.PriceDiscounts).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<CourseExpire>(e =>
        {
            e.ToTable("ly_course_expire");
            e.HasIndex(x => new { x.CourseId, x.ExpireTime }).IsUnique();
        });
        model.Entity<CourseChapter>(e =>
        {
            e.ToTable("ly_course_chapter");
            e.HasMany(c => c.Lessons).WithOne().HasForeignKey(l => l.ChapterId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<CourseLesson>(e =>
        {
            e.ToTable("ly_course_lesson");
            e.Property(l => l.Content).HasMaxLength(20000);
            e.Property(l => l.VideoUrl).HasMaxLength(1024);
        });
        model.Entity<Activity>().ToTable("ly_activity");
        model.Entity<DiscountType>().ToTable("ly_discount_type");
        model.Entity<Discount>(e =>
        {
            e.ToTable("ly_discount");
            e.HasOne(d => d.DiscountType).WithMany().HasForeignKey(d => d.DiscountTypeId);
        });
        model.Entity<CoursePriceDiscount>(e =>
        {
            e.ToTable("ly_course_price_discount");
            e.HasOne(p => p.Activity).WithMany().HasForeignKey(p => p.ActivityId);
            e.HasOne(p => p.Discount).WithMany().HasForeignKey(p => p.DiscountId);
        });
        model.Entity<Coupon>(e =>
        {
            e.ToTable("ly_coupon");
            e.HasIndex(c => c.IsPublished);
            e.HasMany(c => c.Scopes).WithOne().HasForeignKey(s => s.CouponId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<CouponScope>(e =>
        {
            e.ToTable("ly_coupon_scope");
            e.HasIndex(s => s.CouponId);
        });
        model.Entity<UserCoupon>(e =>
        {
            e.ToTable("ly_user_coupon");
            e.HasIndex(u => u.UserId);
            // A coupon's copies per user (the per-user limit) and its usage counts.
            e.HasIndex(u => new { u.CouponId, u.UserId });
            e.HasOne<User>().WithMany().HasForeignKey(u => u.UserId);
            e.HasOne(u => u.Coupon).WithMany().HasForeignKey(u => u.CouponId);
            e.HasIndex(u => u.OrderId);
        });
        model.Entity<Order>(e =>
        {
            e.ToTable("ly_order");
            e.HasIndex(o => o.OrderNumber).IsUnique();
            // "My orders" newest first, and the auto-cancel scan.
            e.HasIndex(o => new { o.UserId, o.CreatedAt });
            e.HasIndex(o => new { o.OrderStatus, o.CreatedAt });
            // The reports: the orders paid in a window of days, and those placed in it with whether they got paid (the
            // pay time in the index: the conversion is counted from the index alone). bench/RESULTS.md, Reports.
            e.HasIndex(o => o.PayTime);
            e.HasIndex(o => new { o.CreatedAt, o.PayTime });
            e.Property(o => o.OrderNumber).HasMaxLength(32);
            e.HasOne<User>().WithMany().HasForeignKey(o => o.UserId);
            e.HasMany(o => o.Details).WithOne().HasForeignKey(d => d.OrderId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<OrderDetail>(e =>
        {
            e.ToTable("ly_order_detail");
            // The course may be deleted later; the detail keeps its name and price.
            e.HasIndex(d => d.CourseId);
        });
        model.Entity<Refund>(e =>
        {
            e.ToTable("ly_refund");
            e.HasIndex(r => r.RequestNo).IsUnique();
            e.HasIndex(r => r.OrderId);
            // The operators' queue (asked, failed, under way) and the reports by day.
            e.HasIndex(r => new { r.Status, r.CreatedAt });
            e.HasIndex(r => r.RefundedAt);
            e.Property(r => r.RequestNo).HasMaxLength(64);
            e.Property(r => r.Reason).HasMaxLength(500);
            e.Property(r => r.OperatorNote).HasMaxLength(500);
            e.Property(r => r.LastError).HasMaxLength(512);
            e.HasOne<Order>().WithMany().HasForeignKey(r => r.OrderId);
            e.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.RefundId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<RefundLine>(e =>
        {
            e.ToTable("ly_refund_line");
            e.HasIndex(l => l.OrderDetailId);
        });
        model.Entity<ReconciliationRun>(e =>
        {
            e.ToTable("ly_reconciliation_run");
            e.HasIndex(r => r.BillDate).IsUnique();
            e.Property(r => r.Error).HasMaxLength(512);
        });
        model.Entity<ReconciliationMismatch>(e =>
        {
            e.ToTable("ly_reconciliation_mismatch");
            e.HasIndex(m => new { m.BillDate, m.Id });
            e.HasIndex(m => m.RunId);
            e.Property(m => m.Kind).HasMaxLength(32);
            e.Property(m => m.OutTradeNo).HasMaxLength(64);
            e.Property(m => m.TradeNo).HasMaxLength(64);
            e.Property(m => m.RequestNo).HasMaxLength(64);
            e.Property(m => m.Detail).HasMaxLength(512);
            e.HasOne<ReconciliationRun>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<UserCourse>(e =>
        {
            e.ToTable("ly_user_course");
            e.HasIndex(u => new { u.UserId, u.CourseId }).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(u => u.UserId);
        });
        model.Entity<PaymentNotification>(e =>
        {
            e.ToTable("ly_payment_notification");
            e.HasIndex(n => n.OutTradeNo);
            e.Property(n => n.RawForm).HasMaxLength(8000);
            e.Property(n => n.Outcome).HasMaxLength(512);
        });
        model.Entity<PaymentException>(e =>
        {
            e.ToTable("ly_payment_exception");
            e.HasIndex(p => p.TradeNo).IsUnique();
            e.HasIndex(p => p.OutTradeNo);
            // The refunds still to make.
            e.HasIndex(p => p.RefundedAt);
            e.Property(p => p.TradeNo).HasMaxLength(64);
            e.Property(p => p.OutTradeNo).HasMaxLength(64);
            e.Property(p => p.RefundRequestNo).HasMaxLength(64);
            e.Property(p => p.LastError).HasMaxLength(512);
        });
        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("ly_audit");
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.Entity, a.EntityId });
            e.HasIndex(a => a.ActorId);
            e.Property(a => a.ActorName).HasMaxLength(32);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Entity).HasMaxLength(32);
            e.Property(a => a.EntityId).HasMaxLength(64);
            e.Property(a => a.Before).HasMaxLength(16000);
            e.Property(a => a.After).HasMaxLength(16000);
        });
        model.Entity<IdempotencyRecord>(e =>
        {
            e.ToTable("ly_idempotency");
            e.HasIndex(r => new { r.UserId, r.Key }).IsUnique();
            e.Property(r => r.Key).HasMaxLength(128);
            e.Property(r => r.ResponseBody).HasMaxLength(65536);
        });

        // Columns are snake_case through UseSnakeCaseNamingConvention (DatabaseRegistration, DesignTimeFactories).
        // The migrations named keys, foreign keys and indexes as EF Core does (PK_ly_order, FK_ly_order_ly_user_user_id,
        // IX_ly_order_order_number), where that convention writes pk_, fk_, ix_: they keep EF Core's names (a null name
        // is EF Core's default).
        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var key in entity.GetDeclaredKeys())
                key.SetName(null);
            foreach (var foreignKey in entity.GetDeclaredForeignKeys())
                foreignKey.SetConstraintName(null);
            foreach (var index in entity.GetDeclaredIndexes())
                index.SetDatabaseName(null);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BeforeSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BeforeSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void BeforeSave()
    {
        // No savepoint around a SaveChanges inside a transaction. EF Core makes one so that the transaction could
        // go on after a failed SaveChanges; every transaction here is all or nothing (a failure rolls all of it
        // back), so it bought nothing and cost two round trips (SAVEPOINT, RELEASE SAVEPOINT) and a PostgreSQL
        // subtransaction per save. Set on every save: a pooled context gets EF's default back when it is returned.
        Database.AutoSavepointsEnabled = false;
        ValidateFormulas();
    }

    /// <summary>A malformed price or coupon formula never reaches the database.</summary>
    private void ValidateFormulas()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
                continue;
            var error = entry.Entity switch
            {
                Discount d => PriceFormula.TryParse(d.Sale, out _, out var e) ? null : e,
                Coupon c => CouponSale.TryParse(c.CouponType, c.Sale, out _, out var e) ? null : e,
                _ => null,
            };
            if (error is not null)
                throw new DomainValidationException(error);
        }
    }

    private sealed class MoneyConverter() : ValueConverter<Money, long>(m => m.Fen, fen => new Money(fen));

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

public sealed class SqliteLuffyDbContext(DbContextOptions<SqliteLuffyDbContext> options) : LuffyDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        ChinaDate.MapForSqlite(model);
    }
}

public sealed class NpgsqlLuffyDbContext(DbContextOptions<NpgsqlLuffyDbContext> options) : LuffyDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        ChinaDate.MapForNpgsql(model);
    }
}
