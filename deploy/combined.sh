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

deploy_chat_service combined 1 1 2 2Gi
