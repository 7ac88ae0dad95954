# Namespace tests: a private mount + PID namespace where a tmpfs stands in
# for rootfs and the applet runs as PID 1 (see testsuite/ns/).
#
# ns_prepare: fresh rootfs in $R (a tmpfs mounted in the host namespace, so
#   the test can look at what the wipe left), with busybox, /proc, /dev and
#   a rescue /bin/sh that says RESCUE, lists / and powers off (in a PID
#   namespace, poweroff ends the namespace's init).  $NEW: the staging tree
#   of the new root (busybox + an init script that reports and exits).
# ns_run NAME [liveroot switch ARGS...]: mount a tmpfs on $R/newroot inside
#   the namespace, copy $NEW into it, run $PRE (shell, inside the
#   namespace, before the switch), chroot and exec `liveroot switch`.
#   Output: $TWORK/NAME.out.
R=$TWORK/nsroot
NEW=$TWORK/nsnew

ns_cleanup() {
	umount -l "$R" 2>/dev/null
	rm -rf "$NEW"
}

# attach [-r] IMG: a loop device for IMG in $LOOP, read-write (or -r,
# read-only), detached by ns_exit.  Not in a $(...) subshell: the EXIT trap
# must see it.  (--setrw: a loop device keeps the read-only flag an earlier
# user set with BLKROSET -- liveroot does that to media -- across detach
# and attach.)
loops=
attach() {
	if [ "$1" = -r ]; then
		LOOP=$(losetup -f --show -r "$2") && loops="$loops $LOOP"
	else
		LOOP=$(losetup -f --show "$1") && loops="$loops $LOOP" && blockdev --setrw "$LOOP"
	fi
}
detach() { losetup -d "$1" 2>/dev/null; }
# for the EXIT trap of the tests that attach
ns_exit() {
	ns_cleanup
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
}

ns_prepare() {
	ns_cleanup
	mkdir -p "$R"
	mount -t tmpfs -o size=512m nsroot "$R" || return 1
	mkdir -p "$R/bin" "$R/proc" "$R/dev" "$R/newroot" "$R/etc"
	cp "$BUSYBOX" "$R/bin/busybox"
	# (with $R/etc/rescue-mounts: the mounts too, "RMNT <mountinfo line>")
	printf '#!/bin/busybox sh\necho RESCUE\n/bin/busybox ls -a /\n[ -e /etc/rescue-mounts ] && while read -r l; do echo "RMNT $l"; done </proc/self/mountinfo\n/bin/busybox poweroff -f\n' >"$R/bin/sh"
	chmod 755 "$R/bin/sh"
	echo initramfs-file >"$R/etc/marker"
	rm -rf "$NEW"
	mkdir -p "$NEW/bin" "$NEW/sbin" "$NEW/proc" "$NEW/dev" "$NEW/etc"
	cp "$BUSYBOX" "$NEW/bin/busybox"
	ln -s busybox "$NEW/bin/sh"
	cat >"$NEW/sbin/init" <<'EOI'
#!/bin/sh
echo "NEWINIT pid=$$"
echo "ARGS $*"
while read -r l; do echo "MOUNT $l"; done </proc/self/mountinfo
walk() {
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		echo "FILE $f"
		case $f in /proc|/dev|/sys) continue ;; esac
		[ -d "$f" ] && [ ! -L "$f" ] && walk "$f"
	done
}
walk ""
EOI
	chmod 755 "$NEW/sbin/init"
	PRE= NSENV=
}

ns_run() {
	n=$1; shift
	NSENV=$NSENV timeout -k 5 120 unshare --mount --pid --fork --propagation private sh -c '
		R=$1 NEW=$2 PRE=$3; shift 3
		mount -t proc proc "$R/proc" || exit 1
		mount --bind /dev "$R/dev" || exit 1
		mount -t tmpfs newroot "$R/newroot" || exit 1
		cp -a "$NEW/." "$R/newroot/"
		eval "$PRE"
		exec env $NSENV chroot "$R" /bin/busybox liveroot switch "$@"
	' sh "$R" "$NEW" "$PRE" "$@" </dev/null 2>&1 | cat >"$TWORK/$n.out"
	# (NSENV: VAR=value settings for the switch, through env)
	# (a pipe: the console the switch reopens must append, not overwrite)
}

# ns_liveroot NAME ARGS...: run the whole applet as PID 1 of a private
# namespace on the host kernel, rootfs = $R (prepared by ns_prepare), with
# /proc, /sys and the host's /dev; ARGS are its NAME=VALUE parameters (the
# kernel command line is left out: -C /dev/null; NSCMD='WORDS' is a kernel
# command line for it, as the peers' boot entries give).  Output: $TWORK/NAME.out
ns_liveroot() {
	n=$1; shift
	mkdir -p "$R/sys" "$R/run"
	: >"$R/etc/initramfs-complete"
	if [ -n "${NSCMD:-}" ]; then
		printf '%s\n' "$NSCMD" >"$R/etc/cmdline"
		set -- -C /etc/cmdline console=/proc/self/fd/1 "$@"
	else
		set -- -C /dev/null console=/proc/self/fd/1 "$@"
	fi
	timeout -k 5 120 unshare --mount --pid --fork --propagation private sh -c '
		R=$1; shift
		mount -t proc proc "$R/proc" || exit 1
		mount -t sysfs sysfs "$R/sys" || exit 1
		mount --bind /dev "$R/dev" || exit 1
		exec chroot "$R" /bin/busybox liveroot "$@"
	' sh "$R" "$@" </dev/null 2>&1 | cat >"$TWORK/$n.out"
}

# intact: the rescue shell ran and the initramfs files are all there
intact() { # RUN LABEL MESSAGE-PATTERN
	o=$TWORK/$1.out; shift
	if grep -qE -- "$2" "$o" && grep -q RESCUE "$o" && [ -f "$R/etc/marker" ] &&
		[ -f "$R/bin/busybox" ] && ! grep -q NEWINIT "$o"; then
		pass "$1"
	else
		fail "$1" "$(tr '\n' ' ' <"$o" | cut -c1-300)"
	fi
}
