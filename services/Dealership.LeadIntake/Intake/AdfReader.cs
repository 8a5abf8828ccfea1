using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Dealership.LeadIntake.Leads;

namespace Dealership.LeadIntake.Intake;

/// <summary>One prospect of an ADF document, as a lead request, with its own XML for the record and the vendor it names.</summary>
/// <param name="Lead">The lead, its dealership not yet decided (<see cref="AdfEndpoints"/> decides it from the vendor).</param>
public sealed record AdfProspect(SubmitLeadRequest Lead, string Xml, AdfVendor Vendor);

/// <summary>The dealer a prospect is for, as the sender knows it: its <c>&lt;vendor&gt;</c>'s id and name.</summary>
public sealed record AdfVendor(string? Id, string? Name);

/// <summary>
/// Reads ADF 1.0 ("Auto-lead Data Format") XML leniently, as real senders write it (the specification's own prolog,
/// phone types and elements outside the DTD, any namespace), but safely: a DTD is never processed, so no external
/// entity is fetched and no entity expands; the document's size is bounded.
/// </summary>
public static partial class AdfReader
{
    public const int MaxCharacters = 2_000_000;

    static AdfReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly XmlReaderSettings Settings = new()
    {
        // The prolog, DOCTYPE included, is blanked before the parser sees it (WithoutProlog); Ignore stays as the second
        // fence: entities are never defined, so a reference to one (XXE, "billion laughs") fails as an undeclared entity.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <exception cref="XmlException">The document is not well-formed XML or uses an entity.</exception>
    /// <exception cref="FormatException">The bytes are not text in the document's encoding, or the XML is not an ADF document.</exception>
    public static IReadOnlyList<AdfProspect> Read(byte[] xml, string source)
    {
        XDocument document;
        using (var reader = XmlReader.Create(new StringReader(WithoutProlog(Decode(xml))), Settings))
            document = XDocument.Load(reader);
        var root = document.Root!;
        if (root.Name.LocalName != "adf")
            throw new FormatException($"The root element is <{root.Name.LocalName}>, not <adf>.");
        var prospects = Children(root, "prospect").ToList();
        if (prospects.Count == 0)
            throw new FormatException("The <adf> document holds no <prospect>.");
        return prospects.Select(p => new AdfProspect(ToLead(p, source), p.ToString(SaveOptions.DisableFormatting), Vendor(p))).ToList();
    }

    /// <summary>
    /// The text in the encoding its byte order mark or its declaration names (in any case, with or without "="), else
    /// UTF-8; bytes that are not text in that encoding are refused rather than read as something else.
    /// </summary>
    private static string Decode(byte[] xml)
    {
        Encoding encoding = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var head = Encoding.Latin1.GetString(xml, 0, Math.Min(xml.Length, 1024));
        if (DeclaredEncoding().Match(head) is { Success: true } declared)
        {
            try
            {
                encoding = Encoding.GetEncoding(declared.Groups[1].Value, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            }
            catch (ArgumentException)
            {
                throw new FormatException($"The document says it is in the encoding '{declared.Groups[1].Value}', which is not one this service reads; send UTF-8.");
            }
        }
        using var reader = new StreamReader(new MemoryStream(xml), encoding, detectEncodingFromByteOrderMarks: true);
        try
        {
            return reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"The document is not {encoding.WebName} text: some of its bytes are no character in it. Send it in the encoding it declares (UTF-8 when it declares none).");
        }
    }

    [GeneratedRegex("""<\?xml\s[^>]*?\bencoding\s*=?\s*["']([A-Za-z0-9._:-]+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex DeclaredEncoding();

    /// <summary>
    /// The document with everything before its root element blanked out. Senders copy the ADF specification's own
    /// prolog, <c>&lt;?ADF VERSION "1.0"?&gt;</c> then <c>&lt;?XML VERSION "1.0"?&gt;</c>, which XML refuses (a declaration
    /// comes first, in lower case, with "="), and write processing instructions in any case and order. Nothing a lead
    /// needs is in the prolog: the text is decoded already and a DTD is never used. Blanks keep every line and column
    /// where it was, so the parser's messages still point into the document as it was sent.
    /// </summary>
    internal static string WithoutProlog(string text)
    {
        var at = 0;
        while (true)
        {
            while (at < text.Length && (char.IsWhiteSpace(text[at]) || text[at] == '\uFEFF'))
                at++;
            if (at >= text.Length)
                throw new FormatException("The document holds no root element.");
            if (StartsAt(text, at, "<?"))
                at = After(text, at, "?>", "a processing instruction");
            else if (StartsAt(text, at, "<!--"))
                at = After(text, at, "-->", "a comment");
            else if (StartsAt(text, at, "<!DOCTYPE"))
                at = AfterDoctype(text, at);
            else
                break;
        }
        if (at == 0)
            return text;
        return string.Create(text.Length, (text, at), static (span, state) =>
        {
            for (var i = 0; i < state.at; i++)
                span[i] = state.text[i] is '\r' or '\n' ? state.text[i] : ' ';
            state.text.AsSpan(state.at).CopyTo(span[state.at..]);
        });
    }

    private static bool StartsAt(string text, int at, string what) => string.CompareOrdinal(text, at, what, 0, what.Length) == 0;

    private static int After(string text, int at, string end, string what)
    {
        var found = text.IndexOf(end, at + 2, StringComparison.Ordinal);
        if (found < 0)
            throw new FormatException($"The prolog holds {what} that is never closed (line {Line(text, at)}).");
        return found + end.Length;
    }

    /// <summary>After the DOCTYPE, whose internal subset may hold quoted text, comments and instructions with '>' in them.</summary>
    private static int AfterDoctype(string text, int at)
    {
        var depth = 0;
        for (var i = at + "<!DOCTYPE".Length; i < text.Length; i++)
        {
            if (StartsAt(text, i, "<!--"))
                i = After(text, i, "-->", "a comment") - 1;
            else if (StartsAt(text, i, "<?"))
                i = After(text, i, "?>", "a processing instruction") - 1;
            else if (text[i] is '"' or '\'')
            {
                var close = text.IndexOf(text[i], i + 1);
                if (close < 0)
                    break;
                i = close;
            }
            else if (text[i] == '[')
                depth++;
            else if (text[i] == ']')
                depth--;
            else if (text[i] == '>' && depth <= 0)
                return i + 1;
        }
        throw new FormatException($"The prolog holds a DOCTYPE that is never closed (line {Line(text, at)}).");
    }

    private static int Line(string text, int at) => text.AsSpan(0, at).Count('\n') + 1;

    private static SubmitLeadRequest ToLead(XElement prospect, string source)
    {
        var customer = Child(prospect, "customer");
        var contact = customer is null ? null : Children(customer, "contact").FirstOrDefault(c => (string?)c.Attribute("primarycontact") == "1")
            ?? Child(customer, "contact");
        var provider = Child(prospect, "provider");
        var id = Child(prospect, "id");
        var phone = contact is null ? null : Phone(contact);
        var preferred = contact?.Elements().FirstOrDefault(e => e.Name.LocalName is "phone" or "email" && (string?)e.Attribute("preferredcontact") == "1");

        return new SubmitLeadRequest
        {
            Source = source,
            ExternalId = id is null ? "adf-" + Hash(prospect) : Join(":", (string?)id.Attribute("source"), Text(id)),
            ChannelName = Text(Child(provider, "name")),
            Campaign = Text(Child(provider, "service")) ?? Text(Child(provider, "name")),
            Name = contact is null ? null : Name(contact),
            Phone = Text(phone),
            Email = Text(Child(contact, "email")),
            Note = Text(Child(customer, "comments")),
            Vehicles = [.. Children(prospect, "vehicle").Select(Vehicle)],
            Timeframe = Timeframe(Child(customer, "timeframe")),
            Address = Address(Child(contact, "address")),
            PreferredContact = preferred?.Name.LocalName,
            // The time to call is said on a phone number: the preferred one's, else the one the consultant will call.
            PreferredContactTime = Attribute(preferred?.Name.LocalName == "phone" ? preferred : phone, "time"),
        };
    }

    private static AdfVendor Vendor(XElement prospect)
    {
        var vendor = Child(prospect, "vendor");
        // The specification's own example names the vendor by its contact's name; most senders write <vendorname>.
        return new AdfVendor(Text(Child(vendor, "id")), Text(Child(vendor, "vendorname")) ?? Text(Child(Child(vendor, "contact"), "name")));
    }

    private static LeadVehicle Vehicle(XElement vehicle)
    {
        var odometer = Child(vehicle, "odometer");
        return new LeadVehicle
        {
            Interest = Interest(Attribute(vehicle, "interest")),
            Status = Attribute(vehicle, "status"),
            Year = int.TryParse(Text(Child(vehicle, "year")), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : null,
            Make = Text(Child(vehicle, "make")),
            Model = Text(Child(vehicle, "model")),
            Trim = Text(Child(vehicle, "trim")),
            Vin = Text(Child(vehicle, "vin")),
            Odometer = int.TryParse(Text(odometer), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var distance) ? distance : null,
            OdometerUnits = Attribute(odometer, "units"),
            Condition = Text(Child(vehicle, "condition")),
            Comments = Text(Child(vehicle, "comments")),
        };
    }

    /// <summary>ADF's interests (buy, lease, sell, trade-in, test-drive) as senders spell them; none means buy.</summary>
    private static string Interest(string? interest) => interest?.ToLowerInvariant() switch
    {
        null => LeadVehicle.Buy,
        "trade-in" or "tradein" or "trade in" or "trade" => LeadVehicle.TradeIn,
        "test-drive" or "testdrive" or "test drive" => "test-drive",
        var other => other,
    };

    /// <summary>
    /// ADF's dates are ISO 8601, a day or a moment; the day is taken as the sender wrote it. A date that cannot be read
    /// is kept in the description's words rather than dropped, so the consultant still reads what the customer said.
    /// </summary>
    private static PurchaseTimeframe? Timeframe(XElement? timeframe)
    {
        if (timeframe is null)
            return null;
        var description = Text(Child(timeframe, "description"));
        var earliestText = Text(Child(timeframe, "earliestdate"));
        var latestText = Text(Child(timeframe, "latestdate"));
        var earliest = Date(earliestText);
        var latest = Date(latestText);
        if (earliest is null && earliestText is not null)
            description = Join("; ", description, "earliest " + earliestText);
        if (latest is null && latestText is not null)
            description = Join("; ", description, "latest " + latestText);
        return description is null && earliest is null && latest is null
            ? null
            : new PurchaseTimeframe { Description = description, EarliestDate = earliest, LatestDate = latest };
    }

    private static DateOnly? Date(string? text) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment) ? DateOnly.FromDateTime(moment.DateTime)
        : null;

    private static PostalAddress? Address(XElement? address)
    {
        if (address is null)
            return null;
        var street = Children(address, "street")
            .OrderBy(s => int.TryParse((string?)s.Attribute("line"), out var line) ? line : int.MaxValue)
            .Select(Text)
            .Append(Text(Child(address, "apartment")));
        return new PostalAddress
        {
            Street = Join("\n", [.. street]),
            City = Text(Child(address, "city")),
            Region = Text(Child(address, "regioncode")),
            PostalCode = Text(Child(address, "postalcode")),
            Country = Text(Child(address, "country")),
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
    private static XElement? Phone(XElement contact)
    {
        var phones = Children(contact, "phone")
            .Select(p => (Type: ((string?)p.Attribute("type") ?? "voice").ToLowerInvariant(), Element: p))
            .Where(p => Text(p.Element) is not null && p.Type is not ("fax" or "pager"))
            .ToList();
        return phones.FirstOrDefault(p => p.Type is "cellphone" or "mobile" or "cell").Element ?? phones.FirstOrDefault().Element;
    }

    private static bool IsCjk(string s) => s.Any(c => c is >= '\u4e00' and <= '\u9fff');

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => e.Name.LocalName == name);

    private static string? Text(XElement? element) => string.IsNullOrWhiteSpace(element?.Value) ? null : element.Value.Trim();

    private static string? Attribute(XElement? element, string name) =>
        element?.Attributes().FirstOrDefault(a => a.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Trim() is { Length: > 0 } value
            ? value.ToLowerInvariant()
            : null;

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()).ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }

    /// <summary>A prospect without an id is recognised by its content when it is sent again.</summary>
    private static string Hash(XElement prospect) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(prospect.ToString(SaveOptions.DisableFormatting))))[..24].ToLowerInvariant();
}
