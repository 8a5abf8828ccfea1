using Dealership.Hosting;
using Dealership.LeadIntake.Intake;

namespace Dealership.Tests.Hosting;

public class PhoneMask_Specs
{
    [Theory]
    [InlineData("+8613812345678", "+86138****5678")]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+442071234567", "+44207***4567")]
    [InlineData("1234", "****")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Should_hide_the_middle_of_a_number(string? phone, string masked) => Assert.Equal(masked, PhoneMask.Mask(phone));

    [Theory]
    [InlineData("13812345678", "+8613812345678")]
    [InlineData("138 1234 5678", "+8613812345678")]
    [InlineData("+86 138-1234-5678", "+8613812345678")]
    [InlineData("008613812345678", "+8613812345678")]
    [InlineData("021 6234 5678", "+862162345678")]
    public void Should_normalise_chinese_numbers_to_E164(string raw, string e164) =>
        Assert.Equal(e164, LeadSubmission.NormalisePhone(raw, "CN"));

    [Theory]
    [InlineData("12345")]
    [InlineData("1381234567")]
    [InlineData("abc")]
    [InlineData("+86 999 0000 0000")]
    public void Should_refuse_what_is_not_a_valid_number(string raw) => Assert.Null(LeadSubmission.NormalisePhone(raw, "CN"));
}
