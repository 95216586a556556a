#!/usr/bin/env bash
# Shared by combined.sh and split.sh: settings, and the infrastructure both layouts need (image, Redis,
# service account). Every step is idempotent enough to run again: "already exists" errors are ignored.
set -euo pipefail

: "${PROJECT:?set PROJECT to your Google Cloud project id}"
REGION=${REGION:-us-central1}
NETWORK=${NETWORK:-default}
SUBNET=${SUBNET:-default}
REPOSITORY=${REPOSITORY:-orleans-chat}
IMAGE=${IMAGE:-$REGION-docker.pkg.dev/$PROJECT/$REPOSITORY/orleans-chat:$(git rev-parse --short HEAD)}
REDIS_INSTANCE=${REDIS_INSTANCE:-orleans-chat}
SERVICE_ACCOUNT=${SERVICE_ACCOUNT:-orleans-chat}
SA_EMAIL=$SERVICE_ACCOUNT@$PROJECT.iam.gserviceaccount.com
# ServiceId names the stored rooms: keep it across deployments. ClusterId may change with a full redeploy.
SERVICE_ID=${SERVICE_ID:-orleans-chat}
CLUSTER_ID=${CLUSTER_ID:-orleans-chat}

gcloud config set project "$PROJECT" >/dev/null
ignore_existing() { "$@" 2>&1 | grep -v -i "already exists" || true; }

enable_apis() {
  gcloud services enable run.googleapis.com redis.googleapis.com artifactregistry.googleapis.com \
    cloudbuild.googleapis.com compute.googleapis.com
}

build_image() {
  ignore_existing gcloud artifacts repositories create "$REPOSITORY" --repository-format=docker --location="$REGION"
  # The Dockerfile at the repository root builds the one image every role runs.
  gcloud builds submit "$(git rev-parse --show-toplevel)" --tag "$IMAGE"
}

create_redis() {
  # Standard tier fails over to a replica; replication is asynchronous, so a failover can lose the last
  # writes (docs/architecture.md). AUTH and in-transit encryption: see README, "Redis in production".
  ignore_existing gcloud redis instances create "$REDIS_INSTANCE" --region="$REGION" --network="$NETWORK" \
    --tier=standard --size=1 --redis-version=redis_7_2
  REDISHOST=$(gcloud redis instances describe "$REDIS_INSTANCE" --region="$REGION" --format='value(host)')
  REDISPORT=$(gcloud redis instances describe "$REDIS_INSTANCE" --region="$REGION" --format='value(port)')
  export REDISHOST REDISPORT
}

create_service_account() {
  ignore_existing gcloud iam service-accounts create "$SERVICE_ACCOUNT" --display-name="OrleansChat"
  for role in roles/logging.logWriter roles/monitoring.metricWriter; do
    gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$SA_EMAIL" --role="$role" \
      --condition=None >/dev/null
  done
}

common_env() {
  echo "REDISHOST=$REDISHOST,REDISPORT=$REDISPORT,Orleans__ClusterId=$CLUSTER_ID,Orleans__ServiceId=$SERVICE_ID"
}

# The Cloud Run service that browsers reach. Arguments: ROLE MIN MAX CPU MEMORY [more deploy flags].
# --no-cpu-throttling: the process works between requests (timers, streams, presence renewals).
# --timeout 3600: a WebSocket is one request, ended at the timeout; the server recycles connections first.
# Direct VPC egress reaches Memorystore and the silos (a Serverless VPC Access connector works as well:
# --vpc-connector=NAME instead of --network/--subnet).
deploy_chat_service() {
  gcloud run deploy orleans-chat \
    --image="$IMAGE" --region="$REGION" --service-account="$SA_EMAIL" \
    --allow-unauthenticated \
    --min-instances="$2" --max-instances="$3" --concurrency=1000 \
    --cpu="$4" --memory="$5" --no-cpu-throttling \
    --timeout=3600 \
    --network="$NETWORK" --subnet="$SUBNET" --vpc-egress=private-ranges-only \
    --set-env-vars="ROLE=$1,$(common_env),Relay__MaxConnectionLifetime=00:55:00,Limits__TrustForwardedFor=true" \
    "${@:6}"
  gcloud run services describe orleans-chat --region="$REGION" --format='value(status.url)'
}
