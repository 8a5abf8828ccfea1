# One image for the whole product: each service container runs the host with --services=<name>;
# the gateway container runs the gateway from the same image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Dealership.sln .editorconfig ./
COPY services/ services/
COPY workflows/ workflows/
COPY gateway/ gateway/
# ReadyToRun: the code ships compiled, so six processes starting on a small machine do not spend their first minutes
# in the JIT (ADR 0537). It is compiled for the image's architecture.
ARG TARGETARCH
RUN rid=linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64) \
 && dotnet publish services/Dealership.Host -c Release -r $rid --self-contained false -p:PublishReadyToRun=true -o /app \
 && dotnet publish gateway/Dealership.Gateway -c Release -r $rid --self-contained false -p:PublishReadyToRun=true -o /app/gateway

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl serves the compose health checks.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV Urls=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet"]
CMD ["Dealership.Host.dll"]
