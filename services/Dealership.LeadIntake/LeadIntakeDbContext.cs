using Dealership.Hosting.Data;
using Dealership.Hosting.Messaging;
using Dealership.LeadIntake.Customers;
using Dealership.LeadIntake.Intake;
using Dealership.LeadIntake.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dealership.LeadIntake;

public class LeadIntakeDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    protected override string Schema => "leads";

    public DbSet<IntakeDealership> Dealerships => Set<IntakeDealership>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Enquiry> Enquiries => Set<Enquiry>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<ConsentRecord> Consents => Set<ConsentRecord>();
    public DbSet<RejectedLead> RejectedLeads => Set<RejectedLead>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ImportRow> ImportRows => Set<ImportRow>();
    public DbSet<LeadTask> Tasks => Set<LeadTask>();
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();

    protected override void OnServiceModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<IntakeDealership>(e =>
        {
            e.ToTable("Dealerships");
            e.Property(d => d.Code).HasMaxLength(32);
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.PhoneRegion).HasMaxLength(2);
            e.HasIndex(d => d.Code).IsUnique();
        });
        modelBuilder.Entity<Lead>(e =>
        {
            e.Property(l => l.DealershipCode).HasMaxLength(32);
            e.Property(l => l.Source).HasMaxLength(40);
            e.Property(l => l.ExternalId).HasMaxLength(100);
            e.Property(l => l.SourceDetail).HasMaxLength(200);
            e.Property(l => l.Name).HasMaxLength(200);
            e.Property(l => l.Phone).HasMaxLength(32);
            e.Property(l => l.Email).HasMaxLength(200);
            e.Property(l => l.VehicleOfInterest).HasMaxLength(200);
            e.Property(l => l.AssignedConsultantName).HasMaxLength(200);
            e.Property(l => l.FirstConsultantName).HasMaxLength(200);
            e.Property(l => l.LostReason).HasMaxLength(500);
            e.OwnsOne(l => l.Timeframe, Timeframe);
            e.OwnsOne(l => l.Address, a =>
            {
                a.Property(x => x.Street).HasMaxLength(500);
                a.Property(x => x.City).HasMaxLength(200);
                a.Property(x => x.Region).HasMaxLength(200);
                a.Property(x => x.PostalCode).HasMaxLength(200);
                a.Property(x => x.Country).HasMaxLength(200);
            });
            e.Property(l => l.PreferredContact).HasMaxLength(40);
            e.Property(l => l.PreferredContactTime).HasMaxLength(40);
            e.Property(l => l.Stage).HasConversion<string>().HasMaxLength(40);
            e.Ignore(l => l.IsOpen);
            e.Property(l => l.Version).IsConcurrencyToken();
            e.HasIndex(l => new { l.DealershipId, l.CreatedAt });
            e.HasIndex(l => new { l.DealershipId, l.Stage });
            e.HasIndex(l => new { l.DealershipId, l.AssignedConsultantId });
        });
        VisibleToOwnConsultant<Lead>(modelBuilder, l => l.AssignedConsultantId);
        modelBuilder.Entity<Enquiry>(e =>
        {
            e.Property(q => q.Source).HasMaxLength(40);
            e.Property(q => q.ExternalId).HasMaxLength(100);
            e.Property(q => q.SourceDetail).HasMaxLength(200);
            e.Property(q => q.VehicleOfInterest).HasMaxLength(200);
            e.Property(q => q.Note).HasMaxLength(1000);
            e.Property(q => q.SubmittedBy).HasMaxLength(200);
            e.OwnsOne(q => q.Timeframe, Timeframe);
            e.OwnsMany(q => q.Vehicles, v =>
            {
                v.ToTable("EnquiryVehicles");
                // The vehicles come back in the order the enquiry named them: its first is the one the customer wants most.
                v.HasKey("EnquiryId", nameof(LeadVehicle.Position));
                v.Property(x => x.Position).ValueGeneratedNever();
                v.Property(x => x.Interest).HasMaxLength(40);
                v.Property(x => x.Status).HasMaxLength(40);
                v.Property(x => x.Make).HasMaxLength(200);
                v.Property(x => x.Model).HasMaxLength(200);
                v.Property(x => x.Trim).HasMaxLength(200);
                v.Property(x => x.Vin).HasMaxLength(40);
                v.Property(x => x.OdometerUnits).HasMaxLength(40);
                v.Property(x => x.Condition).HasMaxLength(200);
                v.Property(x => x.Comments).HasMaxLength(1000);
            });
            // The same source and external id is the same arrival, also when two copies arrive at once.
            e.HasIndex(q => new { q.DealershipId, q.Source, q.ExternalId }).IsUnique();
            e.HasIndex(q => q.LeadId);
        });
        modelBuilder.Entity<Customer>(e =>
        {
            e.Property(c => c.Phone).HasMaxLength(32);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.DealershipId, c.Phone }).IsUnique();
        });
        modelBuilder.Entity<ConsentRecord>(e =>
        {
            e.ToTable("Consents");
            e.Property(c => c.Channel).HasMaxLength(20);
            e.Property(c => c.Source).HasMaxLength(200);
            e.HasIndex(c => new { c.CustomerId, c.Channel, c.At });
        });
        modelBuilder.Entity<RejectedLead>(e =>
        {
            e.Property(r => r.DealershipCode).HasMaxLength(32);
            e.Property(r => r.Channel).HasMaxLength(40);
            e.Property(r => r.Source).HasMaxLength(40);
            e.Property(r => r.ExternalId).HasMaxLength(100);
            e.Property(r => r.Reasons).HasMaxLength(4000);
            e.Property(r => r.SubmittedBy).HasMaxLength(200);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(r => new { r.DealershipId, r.Status, r.ReceivedAt });
        });
        modelBuilder.Entity<ImportJob>(e =>
        {
            e.Property(j => j.DealershipCode).HasMaxLength(32);
            e.Property(j => j.Source).HasMaxLength(40);
            e.Property(j => j.Campaign).HasMaxLength(200);
            e.Property(j => j.FileName).HasMaxLength(260);
            e.Property(j => j.Encoding).HasMaxLength(20);
            e.Property(j => j.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(j => j.Error).HasMaxLength(1000);
            e.Property(j => j.SubmittedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<ImportRow>(e =>
        {
            e.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.Reasons).HasMaxLength(2000);
            e.HasIndex(r => new { r.ImportJobId, r.RowNumber });
        });
        modelBuilder.Entity<LeadTask>(e =>
        {
            e.ToTable("Tasks");
            e.Property(t => t.Kind).HasMaxLength(60);
            e.HasIndex(t => t.LeadId);
        });
        modelBuilder.Entity<TimelineEntry>(e =>
        {
            e.ToTable("Timeline");
            e.Property(t => t.Kind).HasMaxLength(60);
            e.Property(t => t.Text).HasMaxLength(1000);
            e.HasIndex(t => new { t.LeadId, t.At });
        });
    }

    private static void Timeframe<TOwner>(OwnedNavigationBuilder<TOwner, PurchaseTimeframe> t) where TOwner : class =>
        t.Property(x => x.Description).HasMaxLength(200);
}

public sealed class LeadIntakeSqliteDbContext(DbContextOptions<LeadIntakeSqliteDbContext> options) : LeadIntakeDbContext(options);

public sealed class LeadIntakeSqlServerDbContext(DbContextOptions<LeadIntakeSqlServerDbContext> options) : LeadIntakeDbContext(options);

public sealed class LeadIntakeSqliteFactory : SqliteDesignTimeFactory<LeadIntakeSqliteDbContext>;

public sealed class LeadIntakeSqlServerFactory : SqlServerDesignTimeFactory<LeadIntakeSqlServerDbContext>;
