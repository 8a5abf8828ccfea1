using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Dealership.LeadIntake.Intake;

/// <summary>One prospect of an ADF document, as a lead request, with its own XML for the record.</summary>
public sealed record AdfProspect(SubmitLeadRequest Lead, string Xml);

/// <summary>
/// Reads ADF 1.0 ("Auto-lead Data Format") XML leniently, as real senders write it (phone types and
/// elements outside the DTD, any namespace), but safely: a DTD is never processed, so no external
/// entity is fetched and no entity expands; the document's size is bounded.
/// </summary>
public static class AdfReader
{
    public const int MaxCharacters = 2_000_000;

    private static readonly XmlReaderSettings Settings = new()
    {
        // Ignore rather than Prohibit: senders often keep a harmless DOCTYPE line; its entities are never
        // defined, so a reference to one (XXE, "billion laughs") fails as an undeclared entity.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <exception cref="XmlException">The document is not well-formed XML or uses an entity.</exception>
    /// <exception cref="FormatException">The XML is not an ADF document.</exception>
    public static IReadOnlyList<AdfProspect> Read(Stream xml, string? defaultDealershipCode, string source)
    {
        XDocument document;
        using (var reader = XmlReader.Create(xml, Settings))
            document = XDocument.Load(reader);
        var root = document.Root!;
        if (root.Name.LocalName != "adf")
            throw new FormatException($"The root element is <{root.Name.LocalName}>, not <adf>.");
        var prospects = Children(root, "prospect").ToList();
        if (prospects.Count == 0)
            throw new FormatException("The <adf> document holds no <prospect>.");
        return prospects.Select(p => new AdfProspect(ToLead(p, defaultDealershipCode, source), p.ToString(SaveOptions.DisableFormatting))).ToList();
    }

    private static SubmitLeadRequest ToLead(XElement prospect, string? defaultDealershipCode, string source)
    {
        var customer = Child(prospect, "customer");
        var contact = customer is null ? null : Children(customer, "contact").FirstOrDefault(c => (string?)c.Attribute("primarycontact") == "1")
            ?? Child(customer, "contact");
        var vendor = Child(prospect, "vendor");
        var vehicle = Children(prospect, "vehicle").FirstOrDefault(v => (string?)v.Attribute("interest") is null or "buy") ?? Child(prospect, "vehicle");
        var provider = Child(prospect, "provider");
        var id = Child(prospect, "id");

        return new SubmitLeadRequest
        {
            DealershipCode = Text(vendor is null ? null : Child(vendor, "id")) ?? defaultDealershipCode,
            Source = source,
            ExternalId = id is null ? "adf-" + Hash(prospect) : Join(":", (string?)id.Attribute("source"), Text(id)),
            ChannelName = Text(provider is null ? null : Child(provider, "name")),
            Campaign = Text(provider is null ? null : Child(provider, "service")) ?? Text(provider is null ? null : Child(provider, "name")),
            Name = contact is null ? null : Name(contact),
            Phone = contact is null ? null : Phone(contact),
            Email = Text(contact is null ? null : Child(contact, "email")),
            VehicleOfInterest = vehicle is null ? null : Join(" ", Text(Child(vehicle, "year")), Text(Child(vehicle, "make")), Text(Child(vehicle, "model")), Text(Child(vehicle, "trim"))),
            Note = Text(customer is null ? null : Child(customer, "comments")),
        };
    }

    private static string? Name(XElement contact)
    {
        var names = Children(contact, "name").ToList();
        var full = names.FirstOrDefault(n => (string?)n.Attribute("part") is null or "full");
        if (Text(full) is { } whole)
            return whole;
        var first = Text(names.FirstOrDefault(n => (string?)n.Attribute("part") == "first"));
        var last = Text(names.FirstOrDefault(n => (string?)n.Attribute("part") == "last"));
        // Chinese names are written family name first and without a space.
        return first is not null && last is not null && (IsCjk(first) || IsCjk(last)) ? last + first : Join(" ", first, last);
    }

    /// <summary>The number to call: a mobile first (senders write cellphone, mobile or cell), never a fax or pager.</summary>
    private static string? Phone(XElement contact)
    {
        var phones = Children(contact, "phone")
            .Select(p => (Type: ((string?)p.Attribute("type") ?? "voice").ToLowerInvariant(), Number: Text(p)))
            .Where(p => p.Number is not null && p.Type is not ("fax" or "pager"))
            .ToList();
        return phones.FirstOrDefault(p => p.Type is "cellphone" or "mobile" or "cell").Number ?? phones.FirstOrDefault().Number;
    }

    private static bool IsCjk(string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');

    private static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => e.Name.LocalName == name);

    private static string? Text(XElement? element) => string.IsNullOrWhiteSpace(element?.Value) ? null : element.Value.Trim();

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()).ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }

    /// <summary>A prospect without an id is recognised by its content when it is sent again.</summary>
    private static string Hash(XElement prospect) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(prospect.ToString(SaveOptions.DisableFormatting))))[..24].ToLowerInvariant();
}
