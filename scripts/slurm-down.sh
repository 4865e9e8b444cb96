#!/bin/bash
# Stops what scripts/slurm-up.sh started, by the pid files under $OPENECG_SLURM_DIR (slurmd,
# slurmctld, and munged only if slurm-up.sh started it). Jobs still running are cancelled first so
# no trainer outlives the cluster. Safe to run when nothing is up.
DIR=${OPENECG_SLURM_DIR:-/var/tmp/openecg-slurm}
if [ -s "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
  SLURM_CONF="$DIR/slurm.conf" scancel --full --quiet --user=root 2>/dev/null || true
  sleep 0.5
fi
for f in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munged.pid"; do
  [ -s "$f" ] || continue
  p=$(cat "$f")
  if kill "$p" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  fi
  rm -f "$f"
done
exit 0
