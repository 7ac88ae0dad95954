# The hardened switch_root, as PID 1 of a private namespace on the host
# kernel: checks before anything is deleted, mounts moved, wipe complete.
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
if ! unshare --mount --pid --fork true 2>/dev/null; then
	fail "namespaces available" "unshare --mount --pid failed (need root)"
	exit 0
fi
trap ns_cleanup EXIT
C="-c /proc/self/fd/1"


# --- a good switch --------------------------------------------------------
ns_prepare
mkdir -p "$R/a/b/c" "$NEW/run" "$NEW/mnt"
echo x >"$R/a/b/c/file"
ln -s /newroot/etc "$R/link-into-newroot"
ln -s /newroot "$R/link-to-newroot"
echo keep >"$NEW/etc/keep"
mkdir -p "$R/run" "$R/extra"
PRE='mount -t tmpfs run "$R/run"; echo runfile >"$R/run/f"'
ns_run ok $C /newroot /sbin/init
o=$TWORK/ok.out
has "switch: new init runs as PID 1" "$o" "^NEWINIT pid=1$"
has "switch: the new root is / " "$o" "^MOUNT [0-9]+ [0-9]+ [0-9:]+ / / .* - tmpfs newroot "
has "switch: /run moved into the new root" "$o" "^MOUNT .* /run .* - tmpfs run " "^FILE /run/f$"
has "switch: /proc and /dev moved" "$o" "^MOUNT .* /proc .* - proc " "^MOUNT .* /dev "
has "switch: every file of the new root survives (symlinks into it not followed)" "$o" \
	"^FILE /etc/keep$" "^FILE /sbin/init$" "^FILE /bin/busybox$"
has "switch: freed line" "$o" "^liveroot: freed [0-9]+ KiB of initramfs \(rootfs now holds [0-9]+ KiB"
has "switch: wipe reports no errors" "$o" "wiped [0-9]+ files and [0-9]+ directories, 0 errors"
left=$(cd "$R" && find . -mindepth 1 | head -5)
[ -z "$left" ] && pass "switch: rootfs is empty afterwards (directories removed too)" ||
	fail "switch: rootfs is empty afterwards" "left: $left"

# a mount whose target in the new root is a symlink: it lands where the link
# points inside the new root, never back in rootfs
ns_prepare
mkdir -p "$R/run" "$NEW/var/run"
ln -s /var/run "$NEW/run"
PRE='mount -t tmpfs run "$R/run"; echo runfile >"$R/run/f"'
ns_run symlinked $C /newroot /sbin/init
has "a mount target that is a symlink in the new root is followed inside it" "$TWORK/symlinked.out" \
	"^NEWINIT pid=1$" "^MOUNT .* /var/run .* - tmpfs run " "^FILE /var/run/f$"

# --- checks that must stop before anything is deleted ------------------------
ns_prepare
rm "$NEW/sbin/init"
ns_run noinit $C /newroot /sbin/init
intact noinit "missing init: rescue shell, rootfs intact" "init /sbin/init \(inside /newroot\): No such file"

ns_prepare
ln -sf /does/not/exist "$NEW/sbin/init.dangling"
ns_run dangling $C /newroot /sbin/init.dangling
intact dangling "dangling absolute symlink: rescue, rootfs intact" "init /sbin/init.dangling .*No such file"

ns_prepare
# resolves only inside the new root: /bin/realinit exists there, not here
mv "$NEW/sbin/init" "$NEW/bin/realinit"
ln -s /bin/realinit "$NEW/sbin/init"
ns_run inroot $C /newroot /sbin/init
has "absolute symlink resolved inside NEWROOT" "$TWORK/inroot.out" "^NEWINIT pid=1$"

ns_prepare
# an ELF whose interpreter is missing in the new root (the host's dynamic sh)
dyn=$(command -v dash || command -v bash)
cp "$dyn" "$NEW/sbin/dyninit"
ns_run interp $C /newroot /sbin/dyninit
intact interp "missing ELF interpreter: rescue, rootfs intact" "ELF interpreter of /sbin/dyninit: /lib.*(No such file|not a regular)"

ns_prepare
printf '#!/usr/bin/missing-shell\necho hi\n' >"$NEW/sbin/init"
ns_run shebang $C /newroot /sbin/init
intact shebang "script with missing #! interpreter: rescue, rootfs intact" "'#!' interpreter of /sbin/init /usr/bin/missing-shell"

ns_prepare
chmod 644 "$NEW/sbin/init"
ns_run noexec $C /newroot /sbin/init
intact noexec "init not executable: rescue, rootfs intact" "is not executable"

ns_prepare
PRE='umount "$R/newroot"; mkdir -p "$R/newroot/sbin"; cp "$NEW/sbin/init" "$R/newroot/sbin/"'
ns_run notmount $C /newroot /sbin/init
intact notmount "NEWROOT not a mount point: rescue, rootfs intact" "is not a mount point"

ns_prepare
ns_run badconsole -c /dev/no-such-console /newroot /sbin/init
intact badconsole "console can't be opened: rescue, rootfs intact" "console /dev/no-such-console"

ns_prepare
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\267\000' >"$NEW/sbin/init"
head -c 200 /dev/zero >>"$NEW/sbin/init"
ns_run foreign $C /newroot /sbin/init
intact foreign "ELF binary for another machine: rescue, rootfs intact" "an ELF file for another machine.*e_machine 183"

ns_prepare
printf '\177ELF\002\001' >"$NEW/sbin/init"
ns_run shortelf $C /newroot /sbin/init
intact shortelf "truncated ELF file: rescue, rootfs intact" "truncated or malformed ELF header"

# the walk used where the kernel has no openat2
ns_prepare
mv "$NEW/sbin/init" "$NEW/bin/realinit"
ln -s ../bin/realinit "$NEW/sbin/init"
ln -s /bin "$NEW/usr-bin"
NSENV=LIVEROOT_RESOLVE_WALK=1
ns_run walk $C /newroot /usr-bin/../sbin/init
has "without openat2: symlinks resolved inside NEWROOT by the walk" "$TWORK/walk.out" "^NEWINIT pid=1$"
ns_prepare
ln -sf /nope "$NEW/sbin/init2"
NSENV=LIVEROOT_RESOLVE_WALK=1
ns_run walkbad $C /newroot /sbin/init2
intact walkbad "without openat2: dangling symlink refused" "init /sbin/init2 .*No such file"

# init's own options and arguments are init's; a relative NEWROOT works
ns_prepare
PRE='cd "$R"'
ns_run args $C newroot /sbin/init -s --single x
has "init gets its options and arguments; NEWROOT may be relative" "$TWORK/args.out" \
	"^NEWINIT pid=1$" "^ARGS -s --single x$"

# --- processes that keep rootfs busy ----------------------------------------
ns_prepare
PRE='exec 3<"$R/etc/marker"; chroot "$R" /bin/busybox sleep 30 & sleep 0.3'
ns_run busy $C /newroot /sbin/init
has "a process holding a rootfs file is reported" "$TWORK/busy.out" \
	"warning: pid [0-9]+ \(busybox\) runs a program on the initramfs" "^NEWINIT pid=1$"
ns_prepare
PRE='exec 3<"$R/etc/marker"; chroot "$R" /bin/busybox sleep 30 & sleep 0.3'
ns_run busykill -k $C /newroot /sbin/init
has "-k kills a process that pins rootfs" "$TWORK/busykill.out" \
	"killing pid [0-9]+ \(busybox\): it runs a program on the initramfs" "^NEWINIT pid=1$"

# --- dry run ----------------------------------------------------------------
ns_prepare
mkdir -p "$R/run" "$NEW/run"
PRE='mount -t tmpfs run "$R/run"'
ns_run dry -n $C /newroot /sbin/init
if grep -q "would move /run to /newroot/run" "$TWORK/dry.out" && [ -f "$R/etc/marker" ] &&
	! grep -q NEWINIT "$TWORK/dry.out"; then
	pass "dry run (-n): prints the plan, changes nothing"
else
	fail "dry run (-n): prints the plan, changes nothing" "$(tr '\n' ' ' <"$TWORK/dry.out")"
fi

# --- big trees: 10 000 levels deep, 100 000 files ----------------------------
ns_prepare
mkdir -p "$R/deep"
perl -e 'chdir $ARGV[0] or die; for (1..10000) { mkdir "d" or die; chdir "d" or die } open F, ">leaf" or die' "$R/deep"
perl -e 'chdir $ARGV[0] or die; mkdir "many"; chdir "many"; for my $i (1..100000) { open F, ">f$i" or die; close F }' "$R" ||
	fail "making 100000 files"
ns_run big $C /newroot /sbin/init
o=$TWORK/big.out
left=$(cd "$R" && find . -mindepth 1 | head -3)
if grep -q "^NEWINIT pid=1$" "$o" && grep -qE "wiped 10[0-9]{4} files and 100[0-9]{2} directories, 0 errors" "$o" && [ -z "$left" ]; then
	pass "10000-deep tree and 100000 files wiped, no stack overflow"
else
	fail "10000-deep tree and 100000 files wiped" "$(grep -E 'wiped|lost|error' "$o" | head -3 | tr '\n' ' ') left: $left"
fi
