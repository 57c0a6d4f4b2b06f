#!/usr/bin/env bash
# The broker against the baseline, side by side: each scenario runs broker, baseline, broker, … (alternating, so a
# slower minute of the machine weighs on both), then prints every run and the medians with their ratio.
#   bench/compare.sh [runs] [scenario ...]      (default: 3 runs of every scenario below)
# Needs `dotnet build Actors.sln -c Release` first and a quiet machine. Every run's JSON line goes to
# bench/results/<date>.jsonl. SSE_BROKER_ARGS adds broker settings; SSE_BROKER_ENV adds environment variables to the
# broker's process only (e.g. SSE_BROKER_ENV="DOTNET_gcServer=1" to measure it on Server GC). SSE_LOAD_ARGS adds load
# tool options to every run of both servers (e.g. SSE_LOAD_ARGS="--warmup 2000" to measure warm servers).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift || true
declare -A scenarios=(
  [hold]="--scenario hold --connections 15000"
  [fanout]="--scenario fanout --connections 10000 --events 200 --settle 10"
  [fanout-8]="--scenario fanout --connections 10000 --events 200 --settle 10 --send-concurrency 8"
  [fanout-64]="--scenario fanout --connections 10000 --events 200 --settle 10 --send-concurrency 64"
  [latency-1k]="--scenario fanout --connections 1000 --events 3000 --rate 100"
  [latency-10k]="--scenario fanout --connections 10000 --events 300 --rate 20"
  [unicast]="--scenario unicast --connections 10000 --events 50000 --send-concurrency 16"
  [unicast-batch]="--scenario unicast --connections 10000 --events 200000 --batch 500"
)
order=(hold fanout fanout-8 fanout-64 latency-1k latency-10k unicast unicast-batch)
[ $# -gt 0 ] && order=("$@")
mkdir -p bench/results
out="bench/results/$(date -u +%Y%m%d-%H%M%S).jsonl"
for name in "${order[@]}"; do
  args=${scenarios[$name]:?"no scenario $name (one of: ${!scenarios[*]})"}
  for run in $(seq 1 "$runs"); do
    for server in broker baseline; do
      # shellcheck disable=SC2086
      line=$(bench/loadtest.sh "$server" $args ${SSE_LOAD_ARGS:-} --time-limit 240 --drain 30 | tail -n 1)
      echo "{\"name\":\"$name\",\"server\":\"$server\",\"run\":$run,\"figures\":$line}" | tee -a "$out"
    done
  done
done
python3 - "$out" <<'EOF'
import json, statistics, sys
rows = []
for line in open(sys.argv[1]):
    try:
        rows.append(json.loads(line))
    except ValueError:
        print("left out (the run failed):", line.strip()[:200])
keys = [("ConnectSeconds", "connect s"), ("DeliveredPerSecond", "deliveries/s"), ("LatencyP50Ms", "p50 ms"), ("LatencyP99Ms", "p99 ms"),
        ("AckP50Ms", "ack p50 ms"), ("AckP99Ms", "ack p99 ms"),
        ("ServerCpuUsPerConnect", "CPU µs/conn"), ("ServerCpuUsPerDelivery", "CPU µs/deliv"),
        ("ServerKbPerConnection", "kB/conn"), ("ServerKbPerConnectionAfterEvents", "kB/conn after"), ("Lost", "lost")]
print(f"\n{'scenario':14} {'figure':14} {'broker':>12} {'baseline':>12} {'ratio':>7}   runs (broker | baseline)")
for name in dict.fromkeys(r["name"] for r in rows):
    for key, label in keys:
        b = [r["figures"].get(key) for r in rows if r["name"] == name and r["server"] == "broker"]
        k = [r["figures"].get(key) for r in rows if r["name"] == name and r["server"] == "baseline"]
        b, k = [x for x in b if x is not None], [x for x in k if x is not None]
        if not b or not k or (key != "Lost" and max(b + k) == 0):
            continue
        mb, mk = statistics.median(b), statistics.median(k)
        ratio = f"{mb / mk:.2f}" if mk else "-"
        print(f"{name:14} {label:14} {mb:>12,.2f} {mk:>12,.2f} {ratio:>7}   {b} | {k}")
EOF
echo "runs: $out"
