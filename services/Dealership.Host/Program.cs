using Dealership.Host;

DealershipApp.Build(args).Run();
