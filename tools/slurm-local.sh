#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, from Debian's packages, for the cluster tests,
# the cluster benchmark and trying `cspsim-run -m ... hydra/launcher=slurm` on a laptop.
#
#   tools/slurm-local.sh start    # install slurm if missing, start munged, slurmctld, slurmd
#   eval "$(tools/slurm-local.sh env)"   # SLURM_CONF for sinfo/squeue/sbatch in this shell
#   tools/slurm-local.sh status   # daemons and sinfo
#   tools/slurm-local.sh stop     # stop the daemons this script started (by their pid files)
#
# Everything (config, munge key and socket, state, spool, logs, pid files) lives under
# $SLURM_LOCAL_DIR (default /tmp/cspsim-slurm); nothing is written to /etc. Settings:
#   SLURM_LOCAL_DIR   the directory above
#   SLURM_LOCAL_PORT  slurmctld's port (default 6817); slurmd listens on the next one
#   SLURM_LOCAL_AUTH  munge (default) or none (auth/none + cred/none, no munged)
#
# What a container without systemd or cgroup delegation needs (and this config sets):
# daemons run in the foreground under setsid (no systemd units), as root (SlurmUser and
# SlurmdUser root), processes tracked by their parent ids (ProctrackType=proctrack/linuxproc)
# with no task binding (TaskPlugin=task/none), so no cgroup is touched; no accounting
# database (AccountingStorageType=accounting_storage/none; sacct does not work, finished jobs
# are logged by JobCompType=jobcomp/filetxt and kept in squeue -t all for MinJobAge);
# ReturnToService=2 so the node comes back by itself after a restart; munged with its key,
# socket and seed under the directory above (--force: replace a stale socket of a killed munged).
set -euo pipefail

DIR=${SLURM_LOCAL_DIR:-/tmp/cspsim-slurm}
PORT=${SLURM_LOCAL_PORT:-6817}
AUTH=${SLURM_LOCAL_AUTH:-munge}
CONF=$DIR/etc/slurm.conf
PACKAGES=(slurmctld slurmd slurm-client munge)

say() { echo "slurm-local: $*" >&2; }

install_packages() {
	local missing=0 cmd
	for cmd in slurmctld slurmd sbatch munged; do
		command -v "$cmd" >/dev/null 2>&1 || missing=1
	done
	[ "$missing" = 0 ] && return 0
	say "installing Debian's SLURM packages (${PACKAGES[*]})"
	local sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"${PACKAGES[@]}" >/dev/null
}

# pid of a daemon we started, if it is still that daemon (its command line names our dir)
alive() {
	local f=$DIR/run/$1.pid pid
	[ -f "$f" ] || return 1
	pid=$(cat "$f")
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR" || return 1
	echo "$pid"
}

write_config() {
	local host cpus sockets cores threads mem defmem
	host=$(hostname -s)
	# What slurmd sees on this machine; the partition gets all cores and ~90% of the memory.
	read -r cpus sockets cores threads mem < <(slurmd -C | head -1 | tr ' ' '\n' | awk -F= '
		/^CPUs=/ {c=$2} /^SocketsPerBoard=/ {s=$2} /^CoresPerSocket=/ {k=$2}
		/^ThreadsPerCore=/ {t=$2} /^RealMemory=/ {m=$2} END {print c, s, k, t, m}')
	mem=$((mem * 9 / 10))
	defmem=$((mem / cpus))
	local auth="AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge"
	if [ "$AUTH" = none ]; then
		auth="AuthType=auth/none
CredType=cred/none"
	fi
	mkdir -p "$DIR/etc"
	cat >"$CONF" <<EOF
# Written by tools/slurm-local.sh: a single-node cluster for tests (no systemd, no cgroups).
ClusterName=cspsimlocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
$auth
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd
SlurmctldPidFile=$DIR/run/slurmctld.daemon.pid
SlurmdPidFile=$DIR/run/slurmd.daemon.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=10
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MaxArraySize=10001
MaxJobCount=100000
MinJobAge=600
KillWait=5
InactiveLimit=0
SlurmctldTimeout=60
SlurmdTimeout=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Sockets=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP DefMemPerCPU=$defmem
EOF
}

start_munge() {
	[ "$AUTH" = none ] && return 0
	alive munged >/dev/null && return 0
	mkdir -p "$DIR/munge"
	chmod 700 "$DIR/munge"
	[ -f "$DIR/munge/munge.key" ] || mungekey --create --keyfile="$DIR/munge/munge.key"
	chmod 400 "$DIR/munge/munge.key"
	setsid munged --foreground --force \
		--key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
		--pid-file="$DIR/munge/munged.pid" --seed-file="$DIR/munge/munged.seed" \
		--log-file="$DIR/log/munged.log" </dev/null >>"$DIR/log/munged.out" 2>&1 &
	echo $! >"$DIR/run/munged.pid"
	for _ in $(seq 50); do
		[ -S "$DIR/munge/munge.socket" ] && return 0
		sleep 0.1
	done
	say "munged did not start; see $DIR/log/munged.log"
	return 1
}

start_daemon() { # name, args...
	local name=$1
	shift
	alive "$name" >/dev/null && return 0
	setsid "$name" -D -f "$CONF" "$@" </dev/null >>"$DIR/log/$name.out" 2>&1 &
	echo $! >"$DIR/run/$name.pid"
}

wait_ready() {
	local state
	for _ in $(seq 120); do
		state=$(SLURM_CONF=$CONF sinfo -h -N -o %T 2>/dev/null | head -1 || true)
		case "$state" in
		idle* | mixed* | allocated* | completing*) return 0 ;;
		esac
		if ! alive slurmctld >/dev/null || ! alive slurmd >/dev/null; then
			break
		fi
		sleep 0.5
	done
	say "the cluster did not come up (node state: ${state:-none}); logs in $DIR/log:"
	tail -n 5 "$DIR"/log/slurm*.log "$DIR"/log/*.out >&2 || true
	return 1
}

cmd_start() {
	install_packages
	if alive slurmctld >/dev/null && alive slurmd >/dev/null; then
		say "already running in $DIR"
		wait_ready
		return 0
	fi
	mkdir -p "$DIR"/{etc,state,spool/slurmd,log,run}
	write_config # fresh each start: this machine's cores, memory, ports and auth
	start_munge
	start_daemon slurmctld
	start_daemon slurmd -N "$(hostname -s)"
	wait_ready
	say "up: partition local, $(SLURM_CONF=$CONF sinfo -h -o '%c CPUs, %m MB' | head -1)"
	say "use it in this shell: eval \"\$($0 env)\""
}

cmd_stop() {
	local name pid jobs
	# End this cluster's jobs first, so that no job step outlives its slurmd.
	if alive slurmctld >/dev/null; then
		jobs=$(SLURM_CONF=$CONF squeue -h -o %A 2>/dev/null | sort -u || true)
		if [ -n "$jobs" ]; then
			# shellcheck disable=SC2086
			SLURM_CONF=$CONF scancel $jobs 2>/dev/null || true
			for _ in $(seq 100); do
				[ -z "$(SLURM_CONF=$CONF squeue -h -o %A 2>/dev/null)" ] && break
				sleep 0.1
			done
		fi
	fi
	# SIGTERM to all at once (each takes ~2 s to exit), then SIGKILL whatever is left.
	local pids=()
	for name in slurmd slurmctld munged; do
		if pid=$(alive "$name"); then
			kill "$pid" 2>/dev/null || true
			pids+=("$pid")
		fi
		rm -f "$DIR/run/$name.pid"
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 100); do
			[ -d "/proc/$pid" ] || break
			sleep 0.1
		done
		if [ -d "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
	done
	say "stopped ($DIR kept; delete it for a fresh cluster)"
}

cmd_status() {
	local name pid rc=0
	for name in munged slurmctld slurmd; do
		if pid=$(alive "$name"); then
			echo "$name: running (pid $pid)"
		elif [ "$name" = munged ] && [ "$AUTH" = none ]; then
			echo "$name: not used (auth/none)"
		else
			echo "$name: stopped"
			rc=3
		fi
	done
	[ "$rc" = 0 ] && SLURM_CONF=$CONF sinfo
	return "$rc"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
restart)
	cmd_stop
	cmd_start
	;;
env) echo "export SLURM_CONF=$CONF" ;;
install) install_packages ;;
*)
	echo "usage: $0 start|stop|status|restart|env|install" >&2
	exit 2
	;;
esac
