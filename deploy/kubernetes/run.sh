#!/usr/bin/env bash
# Runs one sharded load test on the current kubectl context: shards start together, then the merge step.
# Usage: deploy/kubernetes/run.sh [START_DELAY_S]   (default 90: time for every pod to be scheduled and pull the image)
set -euo pipefail
cd "$(dirname "$0")"

delay_s="${1:-90}"
run_id="$(date -u +%Y%m%d-%H%M%S)"
start_at="$(date -u -d "+${delay_s} seconds" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+"${delay_s}"S +%Y-%m-%dT%H:%M:%SZ)"
fill() { sed -e "s/__RUN_ID__/${run_id}/g" -e "s/__START_AT__/${start_at}/g" "$1"; }

kubectl apply -f pvc.yaml
echo "run ${run_id}: shards start at ${start_at}"
fill job.yaml | kubectl apply -f -
shards="$(sed -n 's/^  completions: *\([0-9]*\).*/\1/p' job.yaml)"
# Poll rather than `kubectl wait`: a failed shard (backoffLimit 0) must end the wait too.
while :; do
  status="$(kubectl get job "llmperf-shards-${run_id}" -o jsonpath='{.status.succeeded}/{.status.failed}')"
  succeeded="${status%/*}"; failed="${status#*/}"
  if [ "${failed:-0}" -gt 0 ]; then
    echo "a shard failed; its log:" >&2
    kubectl logs -l "llmperf/run-id=${run_id}" --tail=20 >&2 || true
    exit 1
  fi
  [ "${succeeded:-0}" -ge "${shards}" ] && break
  sleep 10
done
fill merge-job.yaml | kubectl apply -f -
kubectl wait --for=condition=complete --timeout=30m "job/llmperf-merge-${run_id}"
kubectl logs "job/llmperf-merge-${run_id}"
echo "merged result: /results/${run_id}/merged on the llmperf-results volume (see docs: copying the report out)"
