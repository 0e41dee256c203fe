#!/bin/sh
# Starts one syncbench service in the services image: the first argument or SYNCBENCH_SERVICE names
# it. Refuses an unknown or missing name with the list of the ones this image holds.
set -eu
service="${1:-${SYNCBENCH_SERVICE:-}}"
main="/app/reference-impl/services/${service}/main.ts"
case "$service" in
  chunk-service | download-service | notification-service | gc-worker) ;;
  *)
    echo "SERVICE_UNKNOWN: the service to start must be chunk-service, download-service," \
      "notification-service or gc-worker (first argument or SYNCBENCH_SERVICE), got" \
      "\"${service}\"; nothing was started" >&2
    exit 64
    ;;
esac
if [ ! -f "$main" ]; then
  echo "SERVICE_MISSING: ${main} is not in this image (built before ${service} existed?);" \
    "rebuild it: docker build -f docker/Dockerfile ." >&2
  exit 64
fi
exec node --import tsx "$main"
