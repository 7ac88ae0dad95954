# The initramfs itself: an archive that does not fit in RAM is reported as
# such; a padded initramfs is freed completely (tmpfs and ramfs rootfs).
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
w=$TWORK/pad
mkdir -p "$w"
# pad: LIST + a file of SIZE MiB of zeros before the completion marker
pad() { # MiB OUT
	head -c $(($1 * 1048576)) /dev/zero >"$w/zeros"
	grep -v initramfs-complete "$INITRAMFS.list" >"$w/list"
	echo "file /pad $w/zeros 644 0 0" >>"$w/list"
	grep initramfs-complete "$INITRAMFS.list" >>"$w/list"
	"$TOP/build/gen_cpio" "$w/list" | xz -c --check=crc32 --lzma2=preset=6,dict=1MiB >"$2"
}

# 60 MiB at -m 128: more than the tmpfs rootfs may hold (half of RAM)
pad 60 "$w/big.img"
L=$TWORK/incomplete.log
BOOT_INITRD=$w/big.img boot incomplete -c "$MEDIUM" -t 120 -a "liveroot.label=LIVEROOT" \
	-e "Rescue shell:=>exit" -e "it starts again=>poweroff -f" || true
has "initramfs too big for RAM: the kernel's error, then ours" "$L" \
	"Initramfs unpacking failed" "liveroot: the initramfs is incomplete: it did not fit in RAM"
has "initramfs too big for RAM: leaving the rescue shell starts it again (PID 1 never ends)" "$L" \
	"liveroot: the rescue shell ended; it starts again"
hasnt "initramfs too big for RAM: no kernel panic" "$L" "Kernel panic"

# 20 MiB more: freed grows by 20 MiB, MemAvailable after boot the same
pad 20 "$w/pad20.img"
BOOT_INITRD=$w/pad20.img boot pad20 -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT" || true
boot nopad -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT" || true
f0=$(sed -n 's/^R:log freed \([0-9]*\) KiB.*/\1/p' "$TWORK/nopad.log")
f1=$(sed -n 's/^R:log freed \([0-9]*\) KiB.*/\1/p' "$TWORK/pad20.log")
a0=$(report "$TWORK/nopad.log" meminfo | awk '$1 == "MemAvailable:" {print $2}')
a1=$(report "$TWORK/pad20.log" meminfo | awk '$1 == "MemAvailable:" {print $2}')
if [ -n "$f0" ] && [ -n "$f1" ] && [ $((f1 - f0)) -ge 20000 ] && [ $((f1 - f0)) -le 21500 ]; then
	pass "padded by 20 MiB: freed grows by $((f1 - f0)) KiB"
else
	fail "padded by 20 MiB: freed grows by ~20480 KiB" "freed $f0 vs $f1"
fi
if [ -n "$a0" ] && [ -n "$a1" ] && [ $((a0 - a1)) -lt 1024 ] && [ $((a1 - a0)) -lt 1024 ]; then
	pass "padded by 20 MiB: MemAvailable after boot within 1 MB ($a0 vs $a1 kB)"
else
	fail "padded by 20 MiB: MemAvailable after boot within 1 MB" "$a0 vs $a1 kB"
fi

# root= on the command line makes rootfs a ramfs: freed all the same
L=$TWORK/ramfs.log
boot ramfs -c "$MEDIUM" -t 150 -a "root=/dev/nonexistent liveroot.label=LIVEROOT" || true
has "ramfs rootfs: switched and wiped" "$L" "^R:log switching root: / is ramfs" "^R:end" \
	"^R:log wiped [0-9]+ files and [0-9]+ directories, 0 errors"
f2=$(sed -n 's/^R:log freed \([0-9]*\) KiB.*/\1/p' "$L")
[ -n "$f2" ] && [ -n "$f0" ] && [ "$f2" -ge $((f0 * 9 / 10)) ] &&
	pass "ramfs rootfs: freed $f2 KiB (tmpfs: $f0)" || fail "ramfs rootfs: freed like tmpfs" "$f2 vs $f0"

# A distribution kernel's .ko.zst modules (as Arch and Ubuntu ship them;
# derived here from Debian's, whose kernel unpacks none itself): converted
# at build time to .ko.xz (MODULE_COMPRESS=xz), unpacked and loaded by
# BusyBox's modprobe, the system comes up
kt=$(sh "$T/lib/ktree" "$KERNEL_DIR" "$w/kzst" zst $MODULES) &&
	BUSYBOX=$BUSYBOX KERNEL_DIR=$kt MODULES="$MODULES" MODULE_COMPRESS=xz OUT=$w/zst.img \
	GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >"$w/zst.msg" 2>&1 ||
	fail "an initramfs from a .ko.zst module tree" "$(tail -2 "$w/zst.msg")"
if [ -f "$w/zst.img" ]; then
	L=$TWORK/kozst.log
	BOOT_INITRD=$w/zst.img boot kozst -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT" || true
	if up kozst; then
		has ".ko.zst tree: the CD stack's modules loaded, the root comes up" "$L" \
			"^R:module sr_mod " "^R:module isofs " "^R:module squashfs " "^R:module overlay " \
			"^R:mountinfo .* / / .* - overlay "
	else
		fail ".ko.zst tree: the root comes up" "$(grep -E 'liveroot:|modprobe' "$L" | tail -4 | tr '\n' ' ')"
	fi
fi
rm -rf "$w"
