# The hybrid image booted the way a PC boots it, no -kernel: from an emulated
# CD and as a USB stick (the same bytes written to it, as dd would), through
# SeaBIOS (ISOLINUX) and OVMF (GRUB, x86_64-efi).  The default entry's
# parameters reach liveroot, the overlay root comes up.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
I=$M/fw.iso
VMLINUZ=$VMLINUZ INITRAMFS=$INITRAMFS LABEL=FWLIVE SERIAL=1 "$TOP/scripts/mkiso" "$ROOT" "$I" >"$M/fw.msg" 2>&1 ||
	{ fail "make the hybrid image" "$(tail -2 "$M/fw.msg")"; exit 0; }
cp "$I" "$M/fw-usb.img"
# (GRUB 2.06's EFI loader runs out of memory below 288 MB: bench/results/RESULTS.md)
for fw in bios uefi; do
	mem=128; [ $fw = uefi ] && mem=384
	for how in cd usb; do
		n=fw-$fw-$how
		if [ $how = cd ]; then dev="-c $I"; else dev="-u $M/fw-usb.img"; fi
		rm -f "$TWORK/$n.log"
		# shellcheck disable=SC2086
		"$T/lib/qemu-boot" -q -F $fw $dev -m $mem -t 300 \
			-e "rescue shell (the initramfs is intact)=>poweroff -f" "$TWORK/$n.log" || true
		loader=ISOLINUX; [ $fw = uefi ] && loader="GNU GRUB"
		if up "$n"; then
			has "$fw, $how ($mem MB): $loader, the default entry's parameters reach liveroot, the root comes up" \
				"$TWORK/$n.log" "$loader" "^R:cmdline .*liveroot.media=LABEL=FWLIVE " \
				"^R:log found LABEL=FWLIVE on /dev/(sr0|sd[a-z])" \
				"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/loop" \
				"^R:dir /run/liveroot/rw/upper$"
		else
			fail "$fw, $how: boots through $loader" \
				"$(grep -aE 'liveroot:|error|ISOLINUX|GRUB|Kernel panic' "$TWORK/$n.log" | tail -4 | tr '\n' ' ' | cut -c1-300)"
		fi
	done
done
rm -f "$I" "$M/fw-usb.img"
