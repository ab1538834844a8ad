#!/usr/bin/env bash
# Benchmarks `disclosure-pdf build` on documents of 38 (data/kamiless.yaml), 400,
# 4000 and 40000 items (synthetic, seed 1) and writes bench/RESULTS.md.
#
# Per size: whole-process wall time (hyperfine median, 2 warm-ups, 10 runs; 5 for
# 40000, 3 if a run takes over a minute), peak RSS (median of 3 runs of
# /usr/bin/time), PDF size and pages, and the `--timings` phases (median of the
# same 3 runs). Scratch files go to bench/work/.
#
# Usage, from the repository root: bash bench/run.sh
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=bench/work
BIN=target/release/disclosure-pdf
SIZES=(38 400 4000 40000)
SEED=1

# Writes a synthetic document of $1 items to stdout.
gen() { "$BIN" sample --items "$1" --seed "$SEED"; }

need() { # need COMMAND DEBIAN-PACKAGE
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (for $1)" >&2
    apt-get install -y "$2" >&2
  fi
}
need hyperfine hyperfine
need /usr/bin/time time
need python3 python3

cargo build --release >&2

rm -rf "$WORK"
mkdir -p "$WORK"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for n in "${SIZES[@]}"; do
  if [ "$n" = 38 ]; then
    input=data/kamiless.yaml
  else
    input=$WORK/sample-$n.yaml
    gen "$n" >"$input"
  fi
  out=$WORK/out-$n.pdf
  echo "== $n items: $input" >&2

  # Peak RSS, pages and phase timings: 3 runs.
  slow=0
  for i in 1 2 3; do
    start=$(date +%s%N)
    /usr/bin/time -v -o "$WORK/time-$n-$i.txt" \
      "$BIN" build "$input" -o "$out" --timings \
      >"$WORK/stdout-$n-$i.txt" 2>"$WORK/timings-$n-$i.txt"
    if (( ($(date +%s%N) - start) > 60000000000 )); then slow=1; fi
  done
  cat "$WORK/stdout-$n-1.txt" >&2

  # Wall time.
  if (( n <= 4000 )); then runs=10; else runs=5; fi
  if (( slow )); then
    runs=3
    echo "note: a run of $n items took over 60 s; hyperfine runs reduced to 3" >&2
  fi
  echo "$runs" >"$WORK/runs-$n.txt"
  hyperfine --warmup 2 --runs "$runs" -N --style basic \
    --export-json "$WORK/hyperfine-$n.json" \
    "$BIN build $input -o $out" >&2
  stat -c %s "$out" >"$WORK/size-$n.txt"
done

{
  echo "# disclosure-pdf build benchmark"
  echo
  echo "- date: $(date -u +%F)"
  echo "- machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- $(rustc --version), $(hyperfine --version)"
  echo "- load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine makes the numbers noisy)"
  echo "- rerun: \`bash bench/run.sh\`"
  echo
  python3 - "$WORK" "${SIZES[@]}" <<'PY'
import json, re, statistics, sys

work, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
med = statistics.median
rows, phases, walls, phase_ms, notes = [], [], {}, {}, []
for n in sizes:
    wall = json.load(open(f"{work}/hyperfine-{n}.json"))["results"][0]["median"] * 1000
    runs = int(open(f"{work}/runs-{n}.txt").read())
    rss, pages, per_phase = [], None, {}
    for i in (1, 2, 3):
        t = open(f"{work}/time-{n}-{i}.txt").read()
        rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)[1]))
        m = re.search(r"^wrote .* \((\d+) pages, ", open(f"{work}/stdout-{n}-{i}.txt").read(), re.M)
        pages = int(m[1])
        for line in open(f"{work}/timings-{n}-{i}.txt"):
            m = re.fullmatch(r"\s*(.+?)  ([\d.]+) ms\s*", line)
            if m:
                if m[1] not in phases:
                    phases.append(m[1])
                per_phase.setdefault(m[1], []).append(float(m[2]))
    size = int(open(f"{work}/size-{n}.txt").read())
    walls[n] = wall
    phase_ms[n] = {p: med(v) for p, v in per_phase.items()}
    rows.append((n, pages, size / 1024, wall, med(rss) / 1024))
    if runs not in (10, 5):
        notes.append(f"N = {n}: {runs} hyperfine runs (a run took over 60 s).")

fmt = lambda x: f"{x:.1f}"
head = ["N", "pages", "PDF size (KB)", "wall median (ms)", "peak RSS (MB)"] + [f"{p} (ms)" for p in phases]
print("| " + " | ".join(head) + " |")
print("|" + "|".join(" ---: " for _ in head) + "|")
for n, pages, kb, wall, mb in rows:
    cells = [str(n), str(pages), fmt(kb), fmt(wall), fmt(mb)]
    cells += [fmt(phase_ms[n][p]) if p in phase_ms[n] else "" for p in phases]
    print("| " + " | ".join(cells) + " |")
if 4000 in walls and 40000 in walls:
    ratio = lambda a, b: f"{a / b:.1f}" if b > 0 else "n/a"
    cells = ["40000/4000", "", "", ratio(walls[40000], walls[4000]), ""]
    cells += [ratio(phase_ms[40000].get(p, 0), phase_ms[4000].get(p, 0)) for p in phases]
    print("| " + " | ".join(f"**{c}**" if c else "" for c in cells) + " |")
    print()
    print(f"time(40000)/time(4000) = {walls[40000] / walls[4000]:.1f} (wall median; 10 × the items, so 10.0 is linear).")
print()
print("Wall: hyperfine `--warmup 2 --runs 10` (5 for 40000) of "
      "`target/release/disclosure-pdf build INPUT -o bench/work/out-N.pdf`, median. "
      "Peak RSS and phases (`--timings`; `read & check` is the input gate: reading, "
      "parsing and checking the YAML, fonts included, before any layout): "
      "median of 3 runs under `/usr/bin/time -v`. "
      "N = 38 is `data/kamiless.yaml`; the others are synthetic "
      "(`disclosure-pdf sample --items N --seed 1`).")
print()
print("Phases overlap, so they add up to more than the wall time: the fonts are subset and deflated "
      "beside `page content` and `pdf objects` (`subset fonts` is only the wait for them "
      "after that). `page content` includes the document shell and the fonts' widths and "
      "ToUnicode maps, made beside the pages. `serialise` builds the object streams and writes the file.")
for note in notes:
    print()
    print(note)
PY
} | tee bench/RESULTS.md
