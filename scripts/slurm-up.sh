#!/bin/bash
# A single-node Slurm for the tests (Debian 12's slurmctld/slurmd/munge, no systemd, no cgroups):
# its own slurm.conf under $OPENECG_SLURM_DIR (default /var/tmp/openecg-slurm) so a real cluster's
# /etc/slurm is never touched, fresh state every time (a restarted slurmctld would recover old jobs
# and drained nodes), two fake GPUs so `--gpus-per-node` is accepted. Idempotent: daemons a previous
# run left are stopped first. Waits until the node is idle; prints `SLURM_CONF=<file> NODE=<name>`
# as its only line on stdout (progress and failures on stderr). Needs root.
# Use: eval "$(scripts/slurm-up.sh)"; export SLURM_CONF; ...; scripts/slurm-down.sh
set -euo pipefail
DIR=${OPENECG_SLURM_DIR:-/var/tmp/openecg-slurm}
log() { echo "slurm-up: $*" >&2; }
[ "$(id -u)" = 0 ] || { log "needs root (slurmd runs jobs as their user; the daemons are started by hand)"; exit 3; }
for c in slurmctld slurmd sinfo munged mungekey; do
  command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || { log "$c missing: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge"; exit 4; }
done
"$(dirname "$0")/slurm-down.sh" >/dev/null 2>&1 || true

# munge: the system's own when one answers, else ours (its pid file tells slurm-down.sh to stop it).
[ -s /etc/munge/munge.key ] || { mungekey --create --force; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
mkdir -p "$DIR"
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
  runuser -u munge -- /usr/sbin/munged --force   # forks; pid in /run/munge/munged.pid
  cp /run/munge/munged.pid "$DIR/munged.pid"
  munge -n | unmunge >/dev/null
fi

NODELINE=$(/usr/sbin/slurmd -C | head -1)        # "NodeName=<host> CPUs=.. RealMemory=.."
NODE=$(echo "$NODELINE" | sed 's/^NodeName=\([^ ]*\).*/\1/')
rm -rf "$DIR/ctld" "$DIR/d" "$DIR/log"
mkdir -p "$DIR/ctld" "$DIR/d" "$DIR/log"
export SLURM_CONF="$DIR/slurm.conf"
cat > "$SLURM_CONF" <<CONF
# Written by scripts/slurm-up.sh (OpenECG Workstation tests): one node, no accounting.
ClusterName=openecg-test
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
ReturnToService=2
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/d
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
InactiveLimit=0
KillWait=5
MinJobAge=300
Waittime=0
GresTypes=gpu
$NODELINE Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# Two fake GPUs: character devices are required (plain files are dropped and the node drains).
printf 'NodeName=%s Name=gpu File=/dev/null\nNodeName=%s Name=gpu File=/dev/zero\n' "$NODE" "$NODE" > "$DIR/gres.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"             # forks; pid in $DIR/slurmctld.pid
/usr/sbin/slurmd -f "$SLURM_CONF"                # forks; pid in $DIR/slurmd.pid
st=unknown
for _ in $(seq 1 120); do
  st=$(sinfo -h -N -n "$NODE" -o '%t' 2>/dev/null || true)
  [ "$st" = idle ] && break
  sleep 0.5
done
[ "$st" = idle ] || { log "node $NODE not idle: $st"; sinfo -N -o '%N %t %E' >&2 || true; tail -5 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true; exit 1; }
log "node $NODE idle ($SLURM_CONF)"
echo "SLURM_CONF=$SLURM_CONF NODE=$NODE"
