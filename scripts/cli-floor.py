#!/usr/bin/env python3
"""How fast can the pinned Claude Code CLI answer at all? (see docs/benchmarks.md, "The CLI's own floor")

Drives tools/node/node_modules/.bin/claude directly over stream-json, with no .NET in between, against an instant
Anthropic-shaped backend served by this script on loopback (two text deltas, no delay). For each run it starts one
process with the same flags the pack uses, waits until it answers a get_settings control request (started), leaves it
idle for --idle seconds, then writes one user line and measures until the result event: the first turn of a started
process, which is what every request of a one-process-per-request proxy pays at best. After the same idle time it sends
a second user line to the same process and measures that too (what a reused process would cost), and reports the CPU
time the whole process used (what each request costs the machine, start-up and idle time included).

    python3 scripts/cli-floor.py [--runs 10] [--idle 1.5]

Loopback only; every process it starts is waited for; nothing is written outside a temporary directory.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "tools", "node", "node_modules", ".bin", "claude")
EVENTS = [
    ("message_start", {"type": "message_start", "message": {"id": "msg_floor", "type": "message", "role": "assistant",
                                                             "model": "claude-floor", "content": [], "stop_reason": None,
                                                             "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 1}}}),
    ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " world"}}),
    ("content_block_stop", {"type": "content_block_stop", "index": 0}),
    ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 2}}),
    ("message_stop", {"type": "message_stop"}),
]
BODY = b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in EVENTS)


class InstantBackend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def do_GET(self):
        self.send_response(404)
        self.send_header("content-length", "0")
        self.end_headers()


def run_once(port, idle, home):
    env = dict(os.environ, ANTHROPIC_BASE_URL=f"http://127.0.0.1:{port}", ANTHROPIC_API_KEY="sk-ant-floor-0000",
               CLAUDE_CODE_MAX_RETRIES="0", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", CLAUDE_CONFIG_DIR=home, HOME=home)
    env.pop("ANTHROPIC_AUTH_TOKEN", None)
    env.pop("CLAUDE_CODE_OAUTH_TOKEN", None)
    args = [CLI, "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
            "--include-partial-messages", "--no-session-persistence", "--max-turns", "2", "--tools", "",
            "--system-prompt", "", "--model", "sonnet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as cwd:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=cwd)

        def write(obj):
            process.stdin.write((json.dumps(obj) + "\n").encode())
            process.stdin.flush()

        def read_until(kind):
            while True:
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError("the CLI exited early")
                if json.loads(line).get("type") == kind:
                    return

        write({"type": "control_request", "request_id": "ready", "request": {"subtype": "get_settings"}})
        read_until("control_response")
        ready = time.perf_counter() - started
        turns = []
        for text in ("Say hi", "Say hi again"):
            time.sleep(idle)
            begin = time.perf_counter()
            write({"type": "user", "message": {"role": "user", "content": [{"type": "text", "text": text}]}})
            read_until("result")
            turns.append(time.perf_counter() - begin)
        process.stdin.close()
        process.wait(timeout=30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ready, turns[0], turns[1], cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--idle", type=float, default=1.5, help="seconds a started process waits before its first turn")
    options = parser.parse_args()
    if not os.path.exists(CLI):
        raise SystemExit(f"The pinned CLI is missing at {CLI}: run 'npm ci' in tools/node.")
    server = ThreadingHTTPServer(("127.0.0.1", 0), InstantBackend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    with tempfile.TemporaryDirectory() as home:
        run_once(server.server_address[1], 0, home)  # warms the file cache; not counted
        for _ in range(options.runs):
            rows.append(run_once(server.server_address[1], options.idle, home))
    server.shutdown()

    def ms(values):
        values = sorted(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return f"{1000 * statistics.median(values):.0f} / {1000 * p95:.0f}"

    print(f"Claude CLI {subprocess.run([CLI, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{options.runs} runs, idle {options.idle} s before the first turn, instant loopback backend")
    print("| measure | p50 / p95 (ms) |")
    print("|---|---:|")
    print(f"| start-up until it answers a control request | {ms([r[0] for r in rows])} |")
    print(f"| first turn of a started process (user line to result) | {ms([r[1] for r in rows])} |")
    print(f"| second turn of the same process (after the same idle time) | {ms([r[2] for r in rows])} |")
    print(f"| CPU time of the whole process (user + system) | {ms([r[3] for r in rows])} |")


if __name__ == "__main__":
    main()
