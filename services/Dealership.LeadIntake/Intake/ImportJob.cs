namespace Dealership.LeadIntake.Intake;

public enum ImportStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>One CSV file of event leads being imported; its counters move while it runs, so progress can be watched.</summary>
public class ImportJob
{
    public Guid Id { get; set; }
    public Guid DealershipId { get; set; }
    public required string DealershipCode { get; set; }
    public required string Source { get; set; }
    public string? Campaign { get; set; }
    public string? FileName { get; set; }
    public required string Encoding { get; set; }
    public ImportStatus Status { get; set; }
    public int Rows { get; set; }
    public int Imported { get; set; }
    public int Merged { get; set; }
    public int Duplicates { get; set; }
    public int Rejected { get; set; }
    public string? Error { get; set; }
    public required string SubmittedBy { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>What became of one row of an import.</summary>
public class ImportRow
{
    public Guid Id { get; set; }
    public Guid ImportJobId { get; set; }
    public int RowNumber { get; set; }
    public IntakeOutcome Outcome { get; set; }
    public Guid? LeadId { get; set; }
    public Guid? RejectionId { get; set; }
    public string? Reasons { get; set; }
}
