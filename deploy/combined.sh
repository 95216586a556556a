#!/usr/bin/env bash
# Layout "combined": one Cloud Run service whose single instance runs silo, hub and page together, with its
# rooms in Memorystore. Simple, and survives restarts and redeploys without losing history, but does not
# scale out: Cloud Run instances cannot connect to each other, so a second instance could not join the
# cluster (see README.md in this folder). For more than one instance, use split.sh.
#
#   PROJECT=my-project deploy/combined.sh
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh

enable_apis
build_image
create_redis
create_service_account

# --no-cpu-throttling: the silo works between requests (timers, streams, membership).
# --timeout 3600: WebSocket requests may last an hour; the server recycles them before that.
# Direct VPC egress reaches Memorystore (a Serverless VPC Access connector works as well:
# --vpc-connector=NAME instead of --network/--subnet).
gcloud run deploy orleans-chat \
  --image="$IMAGE" --region="$REGION" --service-account="$SA_EMAIL" \
  --allow-unauthenticated \
  --min-instances=1 --max-instances=1 --concurrency=1000 \
  --cpu=2 --memory=2Gi --no-cpu-throttling \
  --timeout=3600 \
  --network="$NETWORK" --subnet="$SUBNET" --vpc-egress=private-ranges-only \
  --set-env-vars="ROLE=combined,$(common_env),Relay__MaxConnectionLifetime=00:55:00,Limits__TrustForwardedFor=true"

gcloud run services describe orleans-chat --region="$REGION" --format='value(status.url)'
