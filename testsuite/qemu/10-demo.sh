# Boot the demo medium (ISO on an IDE CD-ROM, found by label) on Debian's
# kernel and check what the booted system reports about itself.
. "$T/lib/testlib.sh"
L=$TWORK/demo.log
boot demo -c "$MEDIUM" -m 128 -t 150 -a "liveroot.label=LIVEROOT -- demo-arg" || true
if ! grep -q '^R:end' "$L"; then
	fail "demo boots to its init" "no report; tail: $(tail -5 "$L" | tr '\n' ' ')"
	exit 0
fi
pass "demo boots to its init"
has "init is PID 1" "$L" "^R:pid 1$"
has "the kernel's arguments for init reach init" "$L" "^R:args demo-arg$"
has "root is the overlay on the image" "$L" \
	"^R:mountinfo [0-9]+ [0-9]+ [0-9:]+ / / .* - overlay overlay .*lowerdir=/run/liveroot/layer0,upperdir=/run/liveroot/rw/upper,workdir=/run/liveroot/rw/work"
has "files of the image are read" "$L" "^R:release liveroot demo root$"
has "/run/liveroot exists with media, layer0, rw" "$L" "^R:dir /run/liveroot$" \
	"^R:dir /run/liveroot/media$" "^R:dir /run/liveroot/layer0$" "^R:dir /run/liveroot/rw/upper$"
has "helper mounts are visible under /run/liveroot" "$L" \
	"^R:mountinfo .* /run/liveroot/media ro,.* - iso9660 /dev/sr0 " \
	"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/loop0 " \
	"^R:mountinfo .* /run/liveroot/rw .* - tmpfs tmpfs "
# nothing hidden: exactly the mounts the applet made (and /proc /sys /dev /run)
report "$L" mountinfo | awk '{print $5}' | sort >"$TWORK/demo.mounts"
printf '%s\n' / /dev /proc /run /run/liveroot/layer0 /run/liveroot/media /run/liveroot/rw /sys | sort >"$TWORK/demo.want"
if cmp -s "$TWORK/demo.mounts" "$TWORK/demo.want"; then
	pass "mount table is exactly the applet's mounts, nothing hidden"
else
	fail "mount table is exactly the applet's mounts" "$(tr '\n' ' ' <"$TWORK/demo.mounts")"
fi
avail=$(report "$L" meminfo | awk '$1 == "MemAvailable:" {print $2}')
total=$(report "$L" meminfo | awk '$1 == "MemTotal:" {print $2}')
[ -n "$avail" ] && [ "$avail" -gt 40000 ] && pass "MemAvailable at -m 128: $avail kB of $total kB" ||
	fail "MemAvailable at -m 128 > 40000 kB" "got '$avail'"
has "memory log: a line per stage, in /run/liveroot/log" "$L" \
	"^R:log mem start +t=[0-9.]+s avail=[0-9]+" "^R:log mem media " "^R:log mem mounted " \
	"^R:log mem switched "
# the freed figure against what really happened in the same boot: the
# Shmem that the wipe gave back plus what rootfs still holds (this program's
# own file until it execs init) must add up to it; and that remainder must be
# just BusyBox: nothing else is left on the old rootfs
freed=$(sed -n 's/^R:log freed \([0-9]*\) KiB of initramfs (rootfs now holds \([0-9]*\) KiB.*/\1/p' "$L")
holds=$(sed -n 's/^R:log freed \([0-9]*\) KiB of initramfs (rootfs now holds \([0-9]*\) KiB.*/\2/p' "$L")
dshm=$(sed -n 's/^R:log mem switched .* shmem=[0-9]*(\([-+][0-9]*\)).*/\1/p' "$L")
unpacked=$(sed -n 's/^unpacked (cpio) *//p' "$INITRAMFS.sizes")
bbk=$(( $(wc -c <"$BUSYBOX") / 1024 ))
if [ -n "$freed" ] && [ -n "$holds" ] && [ -n "$dshm" ]; then
	back=$((holds - dshm))     # dshm is negative: Shmem went down
	diff=$((freed - back)); [ $diff -lt 0 ] && diff=$((-diff))
	if [ $((diff * 100)) -le $((freed * 15)) ] && [ $((freed * 1024)) -ge $((unpacked * 8 / 10)) ] &&
		[ $((freed * 1024)) -le $((unpacked * 13 / 10)) ]; then
		pass "freed $freed KiB = Shmem given back ${dshm#-} KiB + still held $holds KiB (within 15 %), ~ the unpacked initramfs"
	else
		fail "freed KiB matches what was given back" "freed $freed, Shmem $dshm, held $holds, unpacked $unpacked bytes"
	fi
	# rootfs holds BusyBox's own file (and its directory) only
	if [ "$holds" -ge "$bbk" ] && [ "$holds" -le $((bbk + 16)) ]; then
		pass "the old rootfs is empty but for the running BusyBox ($holds KiB held, busybox $bbk KiB)"
	else
		fail "the old rootfs is empty but for the running BusyBox" "holds $holds KiB, busybox $bbk KiB"
	fi
else
	fail "freed/held/Shmem figures in the log" "freed '$freed' held '$holds' shmem '$dshm'"
fi
has "wipe without errors" "$L" "^R:log wiped [0-9]+ files and [0-9]+ directories, 0 errors"
hasnt "no kernel panic" "$L" "Kernel panic"
