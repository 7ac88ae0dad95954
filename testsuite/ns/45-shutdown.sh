# The way down with a persistent layer on an ext2 stick (no journal: a
# filesystem left read-write is READ-ONLY at the next boot): the shutdown
# stage while a process outside the system's PID namespace still runs a
# program from the root (it outlives the power-off, as a daemon nobody
# stopped or a task stuck in the kernel would), and the rescue shell after
# a failed boot.  What counts is the superblock on the stick at the moment
# of the power-off, not what mountinfo said.
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
. "$T/lib/media.sh"
holder=
trap 'ns_exit; [ -n "$holder" ] && kill $holder 2>/dev/null' EXIT

# a root image whose init holds (R:hold) before its shutdown, until the
# test says go (/run/lrtest-go)
rm -rf "$M/sdroot" && cp -a "$ROOT" "$M/sdroot"
cp "$T/lib/report-init" "$M/sdroot/sbin/init"
echo "lrtest.hold=60 lrtest.shutdown=poweroff" >"$M/sdroot/etc/lrtest"
# (which namespace is this test's: another test run may have its own)
id="$$-$(date +%s%N)"
echo "$id" >"$M/sdroot/etc/lrtest-id"
mkdir -p "$M/sdmedia/live"
sfs "$M/sdroot" "$M/sdmedia/live/root.sfs"
ext4 "$M/sdmedia" "$M/sdmedia.ext4" SDMEDIA 16 >/dev/null
attach "$M/sdmedia.ext4" || { fail "losetup of a test medium"; exit 0; }
media=$LOOP
# and the plain test root, for the boot after
mkdir -p "$M/sdmedia2/live"
cp "$(dirname "$MEDIUM")/root.sfs" "$M/sdmedia2/live/root.sfs"
ext4 "$M/sdmedia2" "$M/sdmedia2.ext4" SDMEDIA2 16 >/dev/null
attach "$M/sdmedia2.ext4" || { fail "losetup of a test medium"; exit 0; }
media2=$LOOP

# ns_pid1: the host's PID of the namespace's PID 1 (the one whose root is this
# test's image)
ns_pid1() {
	for p in /proc/[0-9]*; do
		[ "$(sed -n 's/^NSpid:.*[[:space:]]\([0-9]*\)$/\1/p' "$p/status" 2>/dev/null)" = 1 ] || continue
		[ "$(readlink "$p/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] || continue
		[ "$(cat "$p/root/etc/lrtest-id" 2>/dev/null)" = "$id" ] && { echo "${p#/proc/}"; return 0; }
	done
	return 1
}
# held NAME SETUP-ARGS...: boot (liveroot as PID 1), wait for R:hold, start
# a process in the system's mount namespace but the host's PID namespace
# running the root's busybox (HOLD: what it runs), let the system shut
# down; then, the holder still running, copy the stick ($STICK) as it is
# at the power-off ($STICK.off) and look at its superblock
held() {
	n=$1; shift
	ns_prepare
	rm -f "$TWORK/$n.out"  # (an earlier run's R:hold must not count)
	ns_liveroot "$n" "$@" &
	bg=$!
	i=0
	until grep -q "^R:hold" "$TWORK/$n.out" 2>/dev/null || [ $i -ge 60 ]; do sleep 1; i=$((i + 1)); done
	pid1=
	i=0
	until [ -n "$pid1" ] || [ $i -ge 10 ]; do pid1=$(ns_pid1) || sleep 1; i=$((i + 1)); done
	if [ -n "$pid1" ]; then
		nsenter -t "$pid1" -m -r -w /bin/busybox sh -c "$HOLD" </dev/null >/dev/null 2>&1 &
		holder=$!
		sleep 2
		# (PREGO: what the system's own shutdown does before, in its namespace)
		[ -z "${PREGO:-}" ] || nsenter -t "$pid1" -m -r /bin/busybox sh -c "$PREGO" >"$TWORK/$n.prego" 2>&1
		touch "/proc/$pid1/root/run/lrtest-go"
	fi
	wait $bg
	sync
	cp --sparse=always "$STICK" "$STICK.off"
	[ -n "$holder" ] && kill $holder 2>/dev/null
	wait $holder 2>/dev/null
	holder=
	[ -n "$pid1" ] || fail "$n: the system came up and held" "$(tail -3 "$TWORK/$n.out" | tr '\n' ' ')"
}
state() { dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Filesystem state: *//p'; }
# dirstick NAME: $STICK, an ext2 stick (no journal) with an empty /layer, attached
dirstick() {
	rm -rf "$M/$1" && mkdir -p "$M/$1/layer/upper" "$M/$1/layer/work"
	STICK=$M/$1.ext2
	rm -f "$STICK" && mke2fs -q -F -t ext2 -L SDSTICK -d "$M/$1" "$STICK" 16M
	attach "$STICK"
}

# --- a directory layer on an ext2 stick, the root busy at the power-off ------------
dirstick sdl
HOLD="exec /bin/busybox sleep 60"
held sddir "media=$media" "rw=$LOOP:/layer" timeout=5
detach "$LOOP"
has "shutdown, the root busy: the overlay can't go, who holds it is said" "$TWORK/sddir.out" \
	"^R:go" "/oldroot is held by no process this system can see \(one in another PID namespace" \
	"^liveroot: nothing is left mounted read-write: poweroff now"
s=$(state "$STICK.off")
[ "$s" = clean ] && pass "... the ext2 stick is clean at the power-off (its superblock went read-only)" ||
	fail "... the ext2 stick is clean at the power-off" "state: $s"
# the next boot, from the stick as it was at the power-off: read-write
attach "$STICK.off"
ns_prepare
ns_liveroot sddir2 "media=$media2" "rw=$LOOP:/layer" timeout=5
detach "$LOOP"
has "... and the next boot uses the layer read-write" "$TWORK/sddir2.out" \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/persist/layer/upper" "^R:end"

# --- the same, the layer already unmounted by the system's own shutdown (systemd's
# umount.target, BusyBox init's umount -a): the overlay's clone keeps it alive and
# writable, and no mount shows it any more -------------------------------------------
attach "$STICK"
PREGO="/bin/busybox umount /run/liveroot/persist && echo unmounted"
held sdpre "media=$media" "rw=$LOOP:/layer" timeout=5
PREGO=
detach "$LOOP"
grep -q unmounted "$TWORK/sdpre.prego" && has "shutdown after the layer was unmounted by the system: found again, made read-only" \
	"$TWORK/sdpre.out" "^R:go" "^liveroot: /dev/loop[0-9]+ \(ext4\): no mount showed it, yet it was read-write: read-only now" \
	"^liveroot: nothing is left mounted read-write: poweroff now" ||
	fail "shutdown after the layer was unmounted by the system" "$(cat "$TWORK/sdpre.prego")"
s=$(state "$STICK.off")
[ "$s" = clean ] && pass "... the ext2 stick is clean at the power-off" ||
	fail "... the ext2 stick is clean at the power-off" "state: $s"

# --- a persistence file (ext2 in a file on an ext4 stick) --------------------------
rm -rf "$M/sdf" && mkdir -p "$M/sdf" "$M/sdf-tree/upper" "$M/sdf-tree/work"
mke2fs -q -F -t ext2 -d "$M/sdf-tree" "$M/sdf/layer.img" 16M
STICK=$M/sdf.ext4
rm -f "$STICK" && mkfs.ext4 -q -F -L SDFILE -d "$M/sdf" "$STICK" 48M
attach "$STICK"
HOLD="exec /bin/busybox sleep 60"
held sdfile "media=$media" "rw=$LOOP:/layer.img" timeout=5
detach "$LOOP"
has "shutdown, the root busy, a persistence file: its filesystem read-only, the stick's state said" \
	"$TWORK/sdfile.out" "^R:go" \
	"^liveroot: WARNING: /dev/loop[0-9]+ \(ext4\) stays read-write: the loop device of the persistence file .*; the next mount replays its journal"
debugfs -R "cat /layer.img" "$STICK.off" 2>/dev/null >"$M/sdf-layer.off"
s=$(state "$M/sdf-layer.off")
[ "$s" = clean ] && pass "... the ext2 filesystem in the file is clean at the power-off" ||
	fail "... the ext2 filesystem in the file is clean at the power-off" "state: $s"

# --- a file held open for writing: it can't go read-only, and that is said ---------
dirstick sdw
HOLD="exec 3>>/root/open-for-writing; exec /bin/busybox sleep 60"
held sdwrite "media=$media" "rw=$LOOP:/layer" timeout=5
detach "$LOOP"
has "shutdown, a file open for writing: the stick is said to stay read-write" "$TWORK/sdwrite.out" \
	"^R:go" "WARNING: still read-write: /dev/loop[0-9]+ \(ext[24], the persist mount\)"
hasnt "... and nothing claims it is clean" "$TWORK/sdwrite.out" "nothing is left mounted read-write"

# --- the rescue shell after the layer was mounted: read-only first ----------------
dirstick sdr
ns_prepare
: >"$R/etc/rescue-mounts"
ns_liveroot sdrescue "media=$media" "rw=$LOOP:/layer" init=/sbin/no-such-init timeout=5
detach "$LOOP"
if grep -qE "^RMNT .* /run/liveroot/persist ro,.* - ext[24] /dev/loop[0-9]+ ro(,|$)" "$TWORK/sdrescue.out" &&
	grep -q "^RESCUE" "$TWORK/sdrescue.out"; then
	pass "a failed boot (init= missing): the persistent layer is read-only in the rescue shell"
else
	fail "a failed boot: the layer read-only in the rescue shell" \
		"$(grep -E "RMNT .*persist|RESCUE|no-such" "$TWORK/sdrescue.out" | tr '\n' ' ' | cut -c1-300)"
fi
has "... said, with the way back to read-write" "$TWORK/sdrescue.out" \
	"/run/liveroot/persist \(/dev/loop[0-9]+\) is read-only now, all written" \
	"to change the persistent layer from the shell: mount -o remount,rw /run/liveroot/persist"
# a persistence file: its loop device would hold the host writable; the root on
# /newroot (nothing runs from it) and the file's filesystem go first
rm -rf "$M/sdrf" && mkdir -p "$M/sdrf"
mke2fs -q -F -t ext2 -d "$M/sdf-tree" "$M/sdrf/layer.img" 16M
STICK=$M/sdrf.ext2
rm -f "$STICK" && mke2fs -q -F -t ext2 -L SDSTICK -d "$M/sdrf" "$STICK" 48M
attach "$STICK"
ns_prepare
: >"$R/etc/rescue-mounts"
ns_liveroot sdrescuef "media=$media" "rw=$LOOP:/layer.img" init=/sbin/no-such-init timeout=5
detach "$LOOP"
if grep -qE "^RMNT .* /run/liveroot/persist ro,.* - ext[24] /dev/loop[0-9]+ ro(,|$)" "$TWORK/sdrescuef.out" &&
	grep -q "^RESCUE" "$TWORK/sdrescuef.out" && ! grep -q "^RMNT .* /run/liveroot/rwfile " "$TWORK/sdrescuef.out"; then
	pass "a failed boot with a persistence file: its ext2 host is read-only in the rescue shell"
else
	fail "a failed boot with a persistence file: the host read-only in the rescue shell" \
		"$(grep -E "RMNT .*(persist|rwfile)|RESCUE|no-such" "$TWORK/sdrescuef.out" | tr '\n' ' ' | cut -c1-300)"
fi
