#!/bin/sh
# The full measurement behind benchmarks/README.md (about 1.5 h on 2 cores). Run from the repository root:
#   nohup sh benchmarks/run_all.sh > benchmarks/out/log.txt 2>&1 &
PY=${PY:-/tmp/venv/bin/python}
set -x
$PY benchmarks/run_benchmarks.py                                                  # all cases, default limits
$PY benchmarks/run_benchmarks.py --cases M --time-limit 600 --out benchmarks/out/results-M600.csv
$PY benchmarks/run_benchmarks.py --cases M --time-limit 1 --no-alone --profile --out benchmarks/out/profile-M.csv
$PY benchmarks/handoff_experiment.py --cases S M --solve
$PY benchmarks/handoff_experiment.py --cases L
$PY benchmarks/handoff_experiment.py --cases Y --variants batched matrix
# the evening's runs (benchmarks/README.md, "Results, evening")
$PY benchmarks/run_benchmarks.py --cases M L Y --no-alone --out benchmarks/out/s3/results-MLY.csv
$PY benchmarks/run_benchmarks.py --cases S capa --out benchmarks/out/s3/results-Scapa.csv
# session 4 (benchmarks/README.md, "Results, session 4")
$PY benchmarks/run_benchmarks.py --cases M L --no-alone --out benchmarks/out/s4/results-ML3.csv
$PY benchmarks/run_benchmarks.py --cases M --no-alone --out benchmarks/out/s4/results-M4.csv
$PY benchmarks/run_benchmarks.py --cases M --no-alone --out benchmarks/out/s4/results-M5.csv
$PY benchmarks/run_benchmarks.py --cases Y --no-alone --out benchmarks/out/s4/results-Y.csv
for seed in 0 1 2 3; do
  $PY benchmarks/run_benchmarks.py --cases M --no-alone --seed $seed --out benchmarks/out/s4/seed$seed/results-M.csv
done
for seed in 0 1; do
  $PY benchmarks/run_benchmarks.py --cases L --no-alone --seed $seed --out benchmarks/out/s4/seed$seed/results-L.csv
done
$PY benchmarks/run_benchmarks.py --cases Y --no-alone --out benchmarks/out/s4/results-Y2.csv
