using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Dealership.Hosting.Data;

/// <summary>
/// Stores a <see cref="DateTimeOffset"/> on SQLite as EF's sortable number, taken in UTC first. EF's own
/// converter keeps the offset inside the number, below the clock reading, so SQLite compares and orders two
/// moments by their local clock readings: 09:00+08:00 came after 02:00+00:00, though it is an hour before.
/// Taken in UTC, every value that queries compare (a timer's due time against now, a booking's start, an SMS's
/// send time) is one instant on one scale, whatever offset the code or a caller gave it. Values read back are UTC.
/// </summary>
public sealed class UtcBinaryConverter() : ValueConverter<DateTimeOffset, long>(value => ToBinary(value), binary => FromBinary(binary))
{
    private static readonly DateTimeOffsetToBinaryConverter Binary = new();

    private static long ToBinary(DateTimeOffset value) => (long)Binary.ConvertToProvider(value.ToUniversalTime())!;

    // Rows written before carry their offset in the number; they read back as they were written.
    private static DateTimeOffset FromBinary(long binary) => (DateTimeOffset)Binary.ConvertFromProvider(binary)!;
}
