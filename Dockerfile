# The chat service image: one process running the Orleans silo, the SignalR hub and the page on $PORT.
# Build from the repository root:  docker build -t orleanschat .

# Browser packages, from the committed lockfile.
FROM node:20-bookworm-slim AS web
WORKDIR /src/WebFront
COPY WebFront/package.json WebFront/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the restore layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY Grains.Abstractions/Grains.Abstractions.csproj Grains.Abstractions/
COPY Grains/Grains.csproj Grains/
COPY WebFront/WebFront.csproj WebFront/
COPY Silo/Silo.csproj Silo/
RUN dotnet restore Silo/Silo.csproj
COPY Grains.Abstractions/ Grains.Abstractions/
COPY Grains/ Grains/
COPY WebFront/ WebFront/
COPY Silo/ Silo/
COPY --from=web /src/WebFront/node_modules WebFront/node_modules
# Tests/Service/PublishedSilo.cs runs this same command (read from this line) and starts its output.
RUN dotnet publish Silo/Silo.csproj -c Release -o /app --no-restore -p:RestoreBrowserPackages=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The non-root user the .NET images provide.
USER $APP_UID
ENV PORT=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "OrleansChat.Silo.dll"]
