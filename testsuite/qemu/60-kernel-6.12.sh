# Debian trixie's 6.12 kernel: modules unpacked by the kernel itself
# (.ko.xz kept with MODULE_COMPRESS=xz, through finit_module) and erofs
# mounted straight from the image file, no loop device
# (EROFS_FS_BACKED_BY_FILE).
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
K2=${NEW_KERNEL_DIR:?}
[ -f "$K2/vmlinuz" ] || { fail "6.12 kernel present" "no $K2/vmlinuz (make fetches it)"; exit 0; }
BUSYBOX=$BUSYBOX KERNEL_DIR=$K2 MODULES=$MODULES MODULE_COMPRESS=xz OUT=$M/initramfs-6.12.img \
	GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >"$M/mk612.log" 2>&1 ||
	{ fail "initramfs for 6.12" "$(tail -2 "$M/mk612.log")"; exit 0; }
sz=$(wc -c <"$M/initramfs-6.12.img")
[ "$sz" -le 2000000 ] && pass "6.12 initramfs <= 2 MB ($sz bytes)" || fail "6.12 initramfs <= 2 MB" "$sz"
mkdir -p "$M/er612/live"
erofs "$ROOT" "$M/er612/live/root.erofs"
iso "$M/er612" "$M/erofs612.iso" EROFS612
L=$TWORK/k612.log
VMLINUZ=$K2/vmlinuz BOOT_INITRD=$M/initramfs-6.12.img boot k612 -c "$M/erofs612.iso" -m 128 -t 150 \
	-a "liveroot.label=EROFS612 liveroot.image=/live/root.erofs" || true
if up k612; then
	has "6.12: erofs mounted straight from the file, no loop device" "$L" \
		"^R:log mounted /run/liveroot/media/live/root.erofs \(erofs, straight from the file, no loop device\)" \
		"^R:mountinfo .* /run/liveroot/layer0 ro,.* - erofs /run/liveroot/media/live/root.erofs "
	has "6.12: compressed modules loaded by the kernel" "$L" "^R:module isofs " "^R:module overlay "
	hasnt "6.12: no loop device in use" "$L" "^R:mountinfo .* /dev/loop[0-9]+ "
else
	fail "6.12 boots the erofs medium" "$(grep -E 'liveroot:' "$L" | tail -3 | tr '\n' ' ')"
fi
rm -rf "$M/er612" "$M/erofs612.iso"
