#!/usr/bin/env bash
# Sourced by combined.sh and split.sh after common.sh: the optional message archive, a Cloud SQL for
# PostgreSQL instance on a private IP in NETWORK, whose Npgsql connection string reaches the roles that host
# rooms through Secret Manager (ConnectionStrings__Archive). Does nothing unless ARCHIVE=1.
# Each step describes before it creates, so a re-run changes nothing unless a setting or the password did.
set -euo pipefail

ARCHIVE=${ARCHIVE:-0}
SQL_INSTANCE=${SQL_INSTANCE:-orleans-chat-archive}
# A dedicated vCPU with 3.75 GB: the silos write every message, and shared-core tiers (db-f1-micro,
# db-g1-small) share their CPU, have no SLA and allow only 25 or 50 connections. See README.md, "Archive".
SQL_TIER=${SQL_TIER:-db-custom-1-3840}
SQL_VERSION=${SQL_VERSION:-POSTGRES_16}
SQL_STORAGE_GB=${SQL_STORAGE_GB:-10}
SQL_AVAILABILITY=${SQL_AVAILABILITY:-zonal}
SQL_DATABASE=${SQL_DATABASE:-chat}
SQL_USER=${SQL_USER:-chat}
# The range Google's services (Cloud SQL here) take their private addresses from; the name the console uses.
SQL_RANGE=${SQL_RANGE:-google-managed-services-$NETWORK}
ARCHIVE_SECRET=${ARCHIVE_SECRET:-orleans-chat-archive}
# Connections per process: processes that host rooms × this, twice over while a deploy replaces them, must
# stay below the tier's max_connections (100 for db-custom-1-3840).
ARCHIVE_POOL_SIZE=${ARCHIVE_POOL_SIZE:-10}
ROTATE_ARCHIVE_PASSWORD=${ROTATE_ARCHIVE_PASSWORD:-0}

archive_enabled() { [[ $ARCHIVE == 1 ]]; }

# Private services access: one allocated range and one peering with servicenetworking per network. A network
# that already has the peering keeps it and its ranges; Memorystore's own peering is separate and unaffected.
connect_private_services() {
  if [[ -n $(gcloud services vpc-peerings list --network="$NETWORK" --service=servicenetworking.googleapis.com \
      --format='value(peering)') ]]; then
    return
  fi
  if ! gcloud compute addresses describe "$SQL_RANGE" --global >/dev/null 2>&1; then
    gcloud compute addresses create "$SQL_RANGE" --global --purpose=VPC_PEERING --prefix-length=16 \
      --network="$NETWORK"
  fi
  gcloud services vpc-peerings connect --service=servicenetworking.googleapis.com --network="$NETWORK" \
    --ranges="$SQL_RANGE"
}

# Private IP only (--no-assign-ip): reachable from NETWORK, where the Cloud Run instances egress, and from
# nowhere else. --edition=enterprise because custom and shared-core tiers do not exist in Enterprise Plus,
# which some projects get by default. Creation takes several minutes, hence --async and the wait below,
# which also covers an instance that a previous, interrupted run left being created.
create_sql_instance() {
  if ! gcloud sql instances describe "$SQL_INSTANCE" >/dev/null 2>&1; then
    gcloud sql instances create "$SQL_INSTANCE" --async \
      --database-version="$SQL_VERSION" --edition=enterprise --tier="$SQL_TIER" \
      --region="$REGION" --availability-type="$SQL_AVAILABILITY" \
      --network="$NETWORK" --no-assign-ip --ssl-mode=ENCRYPTED_ONLY \
      --storage-type=SSD --storage-size="${SQL_STORAGE_GB}GB" --storage-auto-increase \
      --backup-start-time=03:00 --deletion-protection >/dev/null
  fi
  until [[ $(gcloud sql instances describe "$SQL_INSTANCE" --format='value(state)') == RUNNABLE ]]; do
    echo "waiting for Cloud SQL instance $SQL_INSTANCE to be RUNNABLE" >&2
    sleep 20
  done
  if ! gcloud sql databases describe "$SQL_DATABASE" --instance="$SQL_INSTANCE" >/dev/null 2>&1; then
    gcloud sql databases create "$SQL_DATABASE" --instance="$SQL_INSTANCE"
  fi
}

# The secret is the source of truth for the password: a re-run reuses the one in its latest version, so it
# adds a version only when the connection string changes (new password, address, database, user or pool).
store_archive_connection_string() {
  local host current="" password="" connection users
  host=$(gcloud sql instances describe "$SQL_INSTANCE" \
    --format='value(ipAddresses.filter("type:PRIVATE").*extract(ipAddress).flatten())')
  [[ -n $host ]] || { echo "Cloud SQL instance $SQL_INSTANCE has no private address" >&2; return 1; }

  if ! gcloud secrets describe "$ARCHIVE_SECRET" >/dev/null 2>&1; then
    gcloud secrets create "$ARCHIVE_SECRET" --replication-policy=automatic
  fi
  current=$(gcloud secrets versions access latest --secret="$ARCHIVE_SECRET" 2>/dev/null || true)
  if [[ $ROTATE_ARCHIVE_PASSWORD != 1 ]]; then
    password=$(sed -n 's/.*;Password=\([^;]*\);.*/\1/p' <<<"$current")
  fi
  # Hex: no character that a connection string would need quoted (; = ' ").
  [[ -n $password ]] || password=$(openssl rand -hex 24)

  # SSL Mode=Require encrypts without checking the server certificate; the path is the private VPC only.
  connection="Host=$host;Port=5432;Database=$SQL_DATABASE;Username=$SQL_USER;Password=$password;SSL Mode=Require;Maximum Pool Size=$ARCHIVE_POOL_SIZE"
  if [[ $connection != "$current" ]]; then
    printf '%s' "$connection" | gcloud secrets versions add "$ARCHIVE_SECRET" --data-file=-
    # Older versions hold old passwords; the deploys below read :latest.
    gcloud secrets versions list "$ARCHIVE_SECRET" --filter='state:ENABLED' --sort-by=~createTime \
      --format='value(name.basename())' | tail -n +2 | while read -r version; do
        gcloud secrets versions disable "$version" --secret="$ARCHIVE_SECRET" >/dev/null
      done
  fi

  # Set on every run, so the user's password always matches the secret (a run interrupted between the two
  # steps is repaired by the next one).
  users=$(gcloud sql users list --instance="$SQL_INSTANCE" --format='value(name)')
  if grep -qx "$SQL_USER" <<<"$users"; then
    gcloud sql users set-password "$SQL_USER" --instance="$SQL_INSTANCE" --password="$password" >/dev/null
  else
    gcloud sql users create "$SQL_USER" --instance="$SQL_INSTANCE" --password="$password" >/dev/null
  fi

  gcloud secrets add-iam-policy-binding "$ARCHIVE_SECRET" --member="serviceAccount:$SA_EMAIL" \
    --role=roles/secretmanager.secretAccessor >/dev/null
}

# After create_service_account: the service account gets access to the secret.
create_archive() {
  archive_enabled || return 0
  gcloud services enable sqladmin.googleapis.com servicenetworking.googleapis.com secretmanager.googleapis.com
  connect_private_services
  create_sql_instance
  store_archive_connection_string
}

# The flag that hands the connection string to a deploy, or nothing when the archive is off. Cloud Run reads
# the secret when an instance starts, so a new version reaches the instances that start after it.
archive_secret_flag() {
  if archive_enabled; then
    echo "--set-secrets=ConnectionStrings__Archive=$ARCHIVE_SECRET:latest"
  fi
}
