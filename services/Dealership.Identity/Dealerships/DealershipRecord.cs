namespace Dealership.Identity.Dealerships;

/// <summary>A dealership's reference data; the other services follow it through <c>DealershipChanged</c>.</summary>
public class DealershipRecord
{
    public Guid Id { get; set; }
    public string Code { get; set; } = "";
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>ISO 3166 region whose numbering plan reads the dealership's phone numbers.</summary>
    public string PhoneRegion { get; set; } = "CN";
    public string? ShowroomAddress { get; set; }
    /// <summary>A map app's link to the showroom (http or https): the directions SMS ends with it, so a customer opens the route with one tap.</summary>
    public string? ShowroomMapLink { get; set; }
    /// <summary>Where a visiting customer parks, in a few words; the directions SMS carries it.</summary>
    public string? ParkingNote { get; set; }
    public bool Active { get; set; } = true;
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
