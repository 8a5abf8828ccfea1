namespace Dealership.Tests.Assignment;

// The assignment API as a client reads it.

public record ShiftDto(string Day, string Start, string End);
public record ConsultantDto(
    Guid Id, Guid DealershipId, string Name, string Phone, string Role, string? Team, Guid? SupervisorId, List<string> Skills, List<string> Languages,
    List<ShiftDto> WorkingHours, List<DateOnly> DaysOff, bool OnDuty, string Status, int? MaxOpenLeads, int OpenLeads, int MissedFirstContacts);
public record AssignmentDto(Guid LeadId, string Source, string? CustomerPhone, string State, Guid? ConsultantId, string? Rule, string Reason, DateTimeOffset? WaitUntil);
public record AuditDto(DateTimeOffset At, string Action, Guid? FromConsultantId, Guid? ToConsultantId, string Actor, string Reason);
public record AssignmentDetailDto(AssignmentDto Assignment, List<AuditDto> History);
public record ReassignmentDto(Guid LeadId, string Outcome, Guid? ConsultantId, string Reason);
public record AbsenceDto(ConsultantDto Consultant, List<ReassignmentDto> Redistributed);
public record SourceFigureDto(string Source, int Target, int Actual);
public record FiguresDto(int Target, int Actual, List<SourceFigureDto> BySource);
public record ConsultantFiguresDto(Guid ConsultantId, string Name, string? Team, int Target, int Actual, List<SourceFigureDto> BySource);
public record TeamFiguresDto(string Team, int Target, int Actual, List<SourceFigureDto> BySource);
public record PlanDto(Guid DealershipId, string Month, FiguresDto Dealership, List<TeamFiguresDto> Teams, List<ConsultantFiguresDto> Consultants);

public static class DemoRoster
{
    public static readonly Guid WangFang = Guid.Parse("0c0a0000-0000-4000-8000-000000000001");
    public static readonly Guid LiQiang = Guid.Parse("0c0a0000-0000-4000-8000-000000000002");
    public static readonly Guid ZhangWei = Guid.Parse("0c0a0000-0000-4000-8000-000000000003");
    public static readonly Guid[] All = [WangFang, LiQiang, ZhangWei];

    /// <summary>A full consultant body for PUT/POST, as a roster screen would send it.</summary>
    public static object Body(string name, string phone, string role = "consultant", string? team = null, Guid? supervisorId = null,
        string[]? skills = null, object[]? workingHours = null, string[]? daysOff = null, int? maxOpenLeads = null, string? dealershipCode = null) => new
    {
        dealershipCode, name, phone, role, team, supervisorId, skills = skills ?? [], languages = Array.Empty<string>(),
        workingHours = workingHours ?? [], daysOff = daysOff ?? [], maxOpenLeads,
    };
}
