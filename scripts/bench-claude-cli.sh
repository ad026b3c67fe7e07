#!/bin/sh
# Time to first token and total latency of ClaudeCliChatClient, cold vs warm pool, against the instant scripted backend.
# Needs the pinned CLI: cd tools/node && npm ci. Results: BenchmarkDotNet.Artifacts/results/*ClaudeCliLatency*.
set -eu
cd "$(dirname "$0")/.."
[ -x tools/node/node_modules/.bin/claude ] || (cd tools/node && npm ci --no-audit --no-fund --loglevel=error)
dotnet run -c Release --project tests/LlmConnectors.Benchmarks -- --filter '*ClaudeCliLatencyBenchmarks*' "$@"
