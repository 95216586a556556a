#!/usr/bin/env bash
# Layout "combined": one Cloud Run service whose single instance runs silo, hub and page together, with its
# rooms in Memorystore. Simple, and survives restarts and redeploys without losing history, but does not
# scale out: Cloud Run instances cannot connect to each other, so a second instance could not join the
# cluster (see README.md in this folder). For more than one instance, use split.sh.
#
#   PROJECT=my-project deploy/combined.sh
#   PROJECT=my-project ARCHIVE=1 deploy/combined.sh     # with the message archive in Cloud SQL
set -euo pipefail
cd "$(dirname "$0")"
source ./common.sh
source ./archive.sh

enable_apis
build_image
create_redis
create_service_account
create_archive

# The one instance hosts the rooms, so it writes the archive.
# shellcheck disable=SC2046 # the flag is one word, or none when the archive is off
deploy_chat_service combined 1 1 2 2Gi $(archive_secret_flag)
