using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.Identity.Audit;
using Dealership.Identity.Clients;
using Dealership.Identity.Dealerships;
using Dealership.Identity.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dealership.Identity;

/// <summary>
/// People and their roles (ASP.NET Core Identity's tables, mapped here because the context derives
/// from the services' base for its outbox), dealerships, integration clients and the audit log.
/// </summary>
public class IdentityServiceDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "identity";

    public DbSet<Person> People => Set<Person>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<IdentityUserRole<Guid>> PersonRoles => Set<IdentityUserRole<Guid>>();
    public DbSet<DealershipRecord> Dealerships => Set<DealershipRecord>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();

    /// <summary>Set while a save that changes API clients or dealerships is under way (<see cref="ApiKeyVerdictsReset"/>).</summary>
    internal bool ChangesApiKeys { get; set; }

    protected override void OnServiceModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>(e =>
        {
            e.ToTable("People");
            e.HasIndex(u => u.NormalizedUserName).IsUnique();
            e.HasIndex(u => u.NormalizedEmail);
            e.Property(u => u.UserName).HasMaxLength(256);
            e.Property(u => u.NormalizedUserName).HasMaxLength(256);
            e.Property(u => u.Email).HasMaxLength(256);
            e.Property(u => u.NormalizedEmail).HasMaxLength(256);
            e.Property(u => u.PhoneNumber).HasMaxLength(32);
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.Property(u => u.Language).HasMaxLength(10);
            e.Property(u => u.ConcurrencyStamp).IsConcurrencyToken();
            e.HasMany<IdentityUserRole<Guid>>().WithOne().HasForeignKey(r => r.UserId).IsRequired();
            e.HasMany<IdentityUserClaim<Guid>>().WithOne().HasForeignKey(c => c.UserId).IsRequired();
            e.HasMany<IdentityUserLogin<Guid>>().WithOne().HasForeignKey(l => l.UserId).IsRequired();
            e.HasMany<IdentityUserToken<Guid>>().WithOne().HasForeignKey(t => t.UserId).IsRequired();
        });
        modelBuilder.Entity<Role>(e =>
        {
            e.ToTable("Roles");
            e.HasIndex(r => r.NormalizedName).IsUnique();
            e.Property(r => r.Name).HasMaxLength(256);
            e.Property(r => r.NormalizedName).HasMaxLength(256);
            e.Property(r => r.ConcurrencyStamp).IsConcurrencyToken();
            e.HasMany<IdentityUserRole<Guid>>().WithOne().HasForeignKey(r => r.RoleId).IsRequired();
            e.HasMany<IdentityRoleClaim<Guid>>().WithOne().HasForeignKey(c => c.RoleId).IsRequired();
        });
        modelBuilder.Entity<IdentityUserRole<Guid>>(e =>
        {
            e.ToTable("PersonRoles");
            e.HasKey(r => new { r.UserId, r.RoleId });
        });
        modelBuilder.Entity<IdentityUserClaim<Guid>>(e => e.ToTable("PersonClaims"));
        modelBuilder.Entity<IdentityUserLogin<Guid>>(e =>
        {
            e.ToTable("PersonLogins");
            e.HasKey(l => new { l.LoginProvider, l.ProviderKey });
            e.Property(l => l.LoginProvider).HasMaxLength(128);
            e.Property(l => l.ProviderKey).HasMaxLength(128);
        });
        modelBuilder.Entity<IdentityUserToken<Guid>>(e =>
        {
            e.ToTable("PersonTokens");
            e.HasKey(t => new { t.UserId, t.LoginProvider, t.Name });
            e.Property(t => t.LoginProvider).HasMaxLength(128);
            e.Property(t => t.Name).HasMaxLength(128);
        });
        modelBuilder.Entity<IdentityRoleClaim<Guid>>(e => e.ToTable("RoleClaims"));

        modelBuilder.Entity<DealershipRecord>(e =>
        {
            e.ToTable("Dealerships");
            e.Property(d => d.Code).HasMaxLength(32);
            e.Property(d => d.NameZh).HasMaxLength(200);
            e.Property(d => d.NameEn).HasMaxLength(200);
            e.Property(d => d.TimeZone).HasMaxLength(64);
            e.Property(d => d.PhoneRegion).HasMaxLength(2);
            e.Property(d => d.ShowroomAddress).HasMaxLength(DealershipEndpoints.AddressLength);
            e.Property(d => d.ShowroomMapLink).HasMaxLength(DealershipEndpoints.MapLinkLength);
            e.Property(d => d.ParkingNote).HasMaxLength(DealershipEndpoints.ParkingNoteLength);
            e.Property(d => d.Version).IsConcurrencyToken();
            e.HasIndex(d => d.Code).IsUnique();
        });
        modelBuilder.Entity<ApiClient>(e =>
        {
            e.ToTable("ApiClients");
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.KeyHash).HasMaxLength(64);
            e.Property(c => c.KeyPrefix).HasMaxLength(16);
            e.Property(c => c.Scopes).HasMaxLength(500);
            e.Property(c => c.Dealerships).HasMaxLength(2000);
            e.Property(c => c.CreatedBy).HasMaxLength(200);
            e.Property(c => c.RevokedBy).HasMaxLength(200);
            e.HasIndex(c => c.KeyHash).IsUnique();
            e.OwnsMany(c => c.Vendors, v =>
            {
                v.ToTable("ApiClientVendors");
                // A key of its own made here: SQLite numbers no column of a two-column key.
                v.Property<Guid>("Id");
                v.HasKey("Id");
                v.Property(x => x.Vendor).HasMaxLength(ApiClientEndpoints.MaxVendorLength);
                v.Property(x => x.DealershipCode).HasMaxLength(32);
            });
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("Audit");
            e.Property(a => a.Actor).HasMaxLength(200);
            e.Property(a => a.Action).HasMaxLength(200);
            e.Property(a => a.Subject).HasMaxLength(500);
            e.Property(a => a.Detail).HasMaxLength(2000);
            e.Property(a => a.From).HasMaxLength(100);
            e.HasIndex(a => new { a.DealershipId, a.At });
        });
    }
}

public sealed class IdentitySqliteDbContext(DbContextOptions<IdentitySqliteDbContext> options) : IdentityServiceDbContext(options);

public sealed class IdentitySqlServerDbContext(DbContextOptions<IdentitySqlServerDbContext> options) : IdentityServiceDbContext(options);

public sealed class IdentitySqliteFactory : SqliteDesignTimeFactory<IdentitySqliteDbContext>;

public sealed class IdentitySqlServerFactory : SqlServerDesignTimeFactory<IdentitySqlServerDbContext>;
