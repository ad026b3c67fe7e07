#!/usr/bin/env bash
# Two Claude proxy replicas sharing one redis-server on loopback (see docs/benchmarks.md, "Two replicas sharing Redis"):
# answers one replica cached served by the other, one caller's request limit held across both. Bounded; every process
# started (redis-server, replicas, CLI processes) is stopped, and the run fails if one survives.
#   scripts/load/replicas.sh [--prompts 24] [--limit 100] [--limit-requests 160] [--concurrency 8]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
(cd tools/node && [ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error)
dotnet build src/LlmConnectors.ClaudeProxy -c Release -v quiet -nologo
dotnet run --project scripts/load/ProxyLoad -c Release -- --replicas "$@"
