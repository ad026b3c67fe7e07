#!/usr/bin/env bash
# Load test of the Claude proxy next to the npm peer claude-max-api-proxy@1.0.0 (see docs/benchmarks.md).
# Loopback only; each concurrency level is bounded in request count and time; every process started is stopped.
#   scripts/load/run.sh [--peer-dir DIR] [--max-seconds-per-level 90] [--requests-c1 30]
#   scripts/load/run.sh --conversations [--conversation-count 8] [--turns 5] [--tool-round-trips 10] [--turn-pause-ms 500]
#     (5-turn conversations, tool round trips and CPU seconds per turn instead of the concurrency levels)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peer_dir="${PEER_DIR:-/tmp/claude-max-api-proxy-peer}"
cd "$root"
(cd tools/node && [ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error)
if [ ! -f "$peer_dir/node_modules/claude-max-api-proxy/package.json" ]; then
  mkdir -p "$peer_dir"
  (cd "$peer_dir" && [ -f package.json ] || npm init -y >/dev/null) 
  (cd "$peer_dir" && npm install --no-audit --no-fund --loglevel=error claude-max-api-proxy@1.0.0) || echo "could not install the peer; it will be skipped"
fi
dotnet build src/LlmConnectors.ClaudeProxy -c Release -v quiet -nologo
dotnet run --project scripts/load/ProxyLoad -c Release -- --peer-dir "$peer_dir" "$@"
