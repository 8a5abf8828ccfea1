using Dealership.Host;

namespace Dealership.Tests.Hosting;

public class Service_selection_Specs
{
    [Theory]
    [InlineData(null)]
    [InlineData("all")]
    [InlineData("ALL")]
    public void Should_run_every_service_by_default(string? services) =>
        Assert.Equal(["identity", "lead-intake", "assignment", "invitation-workflow", "appointment", "notification", "web"], ServiceCatalog.Select(services).Select(m => m.Name));

    [Fact]
    public void Should_run_the_services_named_in_a_comma_list()
    {
        var modules = ServiceCatalog.Select("lead-intake, notification");

        Assert.Equal(["lead-intake", "notification"], modules.Select(m => m.Name));
    }

    [Fact]
    public void Should_refuse_an_unknown_service_naming_the_valid_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceCatalog.Select("lead-intake,billing"));

        Assert.Contains("billing", error.Message);
        Assert.Contains("invitation-workflow", error.Message);
    }
}
