#!/usr/bin/env bash
# Adds a migration named $1 to every service's DbContext, once per database provider.
# Usage: eng/add-migration.sh AddSomething [Service ...]   (services default to all six)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: eng/add-migration.sh MigrationName [Service ...]}
shift
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(Identity LeadIntake Assignment InvitationWorkflow Appointment Notification)
dotnet tool restore >/dev/null
for service in "${services[@]}"; do
  project="services/Dealership.$service"
  dotnet build "$project" -v q -nologo >/dev/null
  for provider in Sqlite SqlServer; do
    dotnet ef migrations add "$name" --no-build --project "$project" --startup-project "$project" \
      --context "${service}${provider}DbContext" --output-dir "Migrations/$provider"
  done
done
