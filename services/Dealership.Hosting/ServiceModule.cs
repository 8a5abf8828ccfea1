using Dealership.Contracts;
using Dealership.Hosting.Messaging;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Hosting;

/// <summary>
/// One service of the product. The host composes any set of modules into one process;
/// a module never configures the bus itself, it only adds its consumers to the process's bus.
/// </summary>
public abstract class ServiceModule
{
    /// <summary>The service's name as used on the command line, in configuration and as its queue prefix.</summary>
    public abstract string Name { get; }

    public abstract void AddServices(WebApplicationBuilder builder);

    public abstract void AddConsumers(IBusRegistrationConfigurator bus);

    public abstract void MapEndpoints(IEndpointRouteBuilder endpoints);

    /// <summary>Middleware of the module's own, run after authentication and authorization and before the endpoints.</summary>
    public virtual void UseMiddleware(WebApplication app)
    {
    }

    /// <summary>
    /// Seeds what the service needs to start, once its database is migrated and before the bus
    /// starts. <paramref name="services"/> is a scope of its own.
    /// </summary>
    public virtual Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Deletes the service's own finished work past its retention (the hosting code prunes the outbox and
    /// inbox); returns how many rows went, per table. <paramref name="services"/> is a scope of its own.
    /// </summary>
    public virtual Task<IReadOnlyDictionary<string, int>> PruneAsync(IServiceProvider services, DateTimeOffset now, RetentionOptions retention, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>());

    /// <summary>
    /// Registers a consumer on a queue named after this service, so two services consuming the
    /// same event never share (and steal from) one queue, behind the inbox (<see cref="InboxFilter{TConsumer}"/>)
    /// unless it is marked <see cref="IdempotentWithoutInboxAttribute"/>.
    /// </summary>
    protected void AddConsumer<TConsumer>(IBusRegistrationConfigurator bus, int? concurrentMessageLimit = null,
        Action<IConsumerConfigurator<TConsumer>>? configure = null)
        where TConsumer : class, IConsumer
    {
        var endpoint = $"{Name}-{KebabCaseEndpointNameFormatter.Instance.Consumer<TConsumer>()}";
        bus.AddConsumer<TConsumer>((context, consumer) =>
        {
            configure?.Invoke(consumer);
            Inbox.Configure(context, consumer);
        }).Endpoint(e =>
        {
            e.Name = endpoint;
            if (concurrentMessageLimit is { } limit)
                e.ConcurrentMessageLimit = limit;
        });
    }

    /// <summary>
    /// Follows the dealerships' reference data: registers the service's consumer of <c>DealershipChanged</c>
    /// one message at a time (several copies of one dealership's change arrive together when services
    /// start), and asks for every dealership when the service starts.
    /// </summary>
    protected void FollowDealerships<TConsumer>(IBusRegistrationConfigurator bus)
        where TConsumer : class, IConsumer<DealershipChanged> =>
        AddConsumer<TConsumer>(bus, concurrentMessageLimit: 1);

    /// <summary>Asks the identity service, through the outbox, for every dealership's reference data.</summary>
    protected async Task RequestDealershipsAsync(ServiceDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        db.Publish(new DealershipsRequested(Name, services.GetRequiredService<TimeProvider>().GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Registers a consumer whose definition configures its endpoint, on a queue of the given name, behind the inbox as above.</summary>
    protected static void AddConsumer<TConsumer, TDefinition>(IBusRegistrationConfigurator bus, string queue)
        where TConsumer : class, IConsumer
        where TDefinition : class, IConsumerDefinition<TConsumer>
    {
        bus.AddConsumer<TConsumer>(typeof(TDefinition), Inbox.Configure).Endpoint(e => e.Name = queue);
    }
}
