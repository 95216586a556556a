#!/usr/bin/env bash
# Layout "split": the rooms live in a silo tier that can reach itself, and an autoscaled Cloud Run service
# of front ends (ROLE=frontend) talks to it as Orleans clients, finding the silos' gateways in Redis.
# The silo tier here is a Cloud Run worker pool with Direct VPC ingress, where instances get addresses in
# SUBNET and can reach one another; GKE or a Compute Engine managed instance group running the same image
# with ROLE=silo works the same way.
#
#   PROJECT=my-project SILOS=3 deploy/split.sh
#   PROJECT=my-project SILOS=3 ARCHIVE=1 deploy/split.sh     # with the message archive in Cloud SQL
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh
source ./archive.sh
SILOS=${SILOS:-3}

enable_apis
build_image
create_redis
create_service_account
create_archive

# Silos talk to each other on 11111 and serve clients on 30000, inside the subnet only.
ignore_existing gcloud compute firewall-rules create orleans-chat-silos --network="$NETWORK" \
  --direction=INGRESS --allow=tcp:11111,tcp:30000 \
  --source-ranges="$(gcloud compute networks subnets describe "$SUBNET" --region="$REGION" --format='value(ipCidrRange)')"

# Each silo advertises the address of its VPC interface (Orleans__AdvertisedIP left empty picks it).
# The silos host the rooms, so they write the archive; the front ends hold no rooms and get no secret.
# shellcheck disable=SC2046 # the flag is one word, or none when the archive is off
gcloud beta run worker-pools deploy orleans-chat-silos \
  --image="$IMAGE" --region="$REGION" --service-account="$SA_EMAIL" \
  --instances="$SILOS" --cpu=2 --memory=2Gi \
  --network="$NETWORK" --subnet="$SUBNET" --vpc-egress=all-traffic \
  --set-env-vars="ROLE=silo,$(common_env)" \
  $(archive_secret_flag)

# Front ends scale with connections; each one is an Orleans client and holds no rooms.
deploy_chat_service frontend 1 20 1 1Gi
