# The hybrid image booted the way a PC boots it, no -kernel: from an emulated
# CD and as a USB stick (the same bytes written to it, as dd would), through
# SeaBIOS (ISOLINUX) and through OVMF with Secure Boot enforcing and
# Microsoft's keys enrolled (Debian's shim, signed systemd-boot and signed
# kernel). The default entry's parameters reach liveroot, the overlay root
# comes up. Then the same image with the kernel's signature taken off: the
# chain refuses it (systemd-boot: "Security violation"; with EFI_LOADER=grub,
# GRUB: "bad shim signature"), no kernel starts.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
I=$M/fw.iso
VMLINUZ=$VMLINUZ INITRAMFS=$INITRAMFS LABEL=FWLIVE SERIAL=1 "$TOP/scripts/mkiso" "$ROOT" "$I" >"$M/fw.msg" 2>&1 ||
	{ fail "make the hybrid image" "$(tail -2 "$M/fw.msg")"; exit 0; }
cp "$I" "$M/fw-usb.img"
# (OVMF + shim + systemd-boot need 176 MB here: bench/results/secureboot.md)
# (the CD and the USB boot of each firmware at once: one qemu per core)
for fw in bios uefisb; do
	mem=128 sb=; [ $fw = uefisb ] && mem=256 sb=-S
	for how in cd usb; do
		n=fw-$fw-$how
		if [ $how = cd ]; then dev="-c $I"; else dev="-u $M/fw-usb.img"; fi
		rm -f "$TWORK/$n.log"
		# shellcheck disable=SC2086
		"$T/lib/qemu-boot" -q -F ${fw%sb} $sb $dev -m $mem -t 300 \
			-e "rescue shell (the initramfs is intact)=>poweroff -f" "$TWORK/$n.log" >/dev/null 2>&1 &
	done
	wait
	for how in cd usb; do
		n=fw-$fw-$how
		if [ $fw = bios ]; then
			loader=ISOLINUX lname=ISOLINUX said="firmware: BIOS"
		else
			loader="Boot in 3 s" lname="systemd-boot's menu (3 s)" said="firmware: UEFI, Secure Boot on"
		fi
		# (systemd-boot: its menu, and it names the initramfs on the kernel's
		# command line, read from the EFI partition)
		# (the default entry's words, nothing more: not toram's or verify's)
		cl="^R:cmdline .*liveroot\.media=LABEL=FWLIVE console=tty0 console=ttyS0,115200\$"
		[ $fw = bios ] || cl="^R:cmdline initrd=.liveroot.initramfs\.img liveroot\.media=LABEL=FWLIVE console=tty0 console=ttyS0,115200\$"
		if up "$n"; then
			has "$fw, $how ($mem MB): $lname, the default entry's parameters reach liveroot, the root comes up${sb:+; the kernel says Secure Boot is on}" \
				"$TWORK/$n.log" "$loader" "$cl" \
				"^R:log found LABEL=FWLIVE on /dev/(sr0|sd[a-z])" "^R:log $said" \
				"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/loop" \
				"^R:dir /run/liveroot/rw/upper$" ${sb:+"secureboot: Secure boot enabled"}
		else
			fail "$fw, $how: boots through $lname" \
				"$(grep -aE 'liveroot:|error|ISOLINUX|GRUB|Kernel panic|Exception' "$TWORK/$n.log" | tail -4 | tr '\n' ' ' | cut -c1-300)"
		fi
	done
done
rm -f "$M/fw-usb.img"
# the negative: the kernel unsigned, everything else the same; for both of
# shim's loaders (the two boots at once)
if pe_unsign "$VMLINUZ" "$M/unsigned"; then
	for l in systemd-boot grub; do
		VMLINUZ=$M/unsigned INITRAMFS=$INITRAMFS LABEL=FWLIVE SERIAL=1 EFI_LOADER=$l "$TOP/scripts/mkiso" \
			"$ROOT" "$M/fw-$l.iso" >"$M/fw.msg" 2>&1 || fail "the image with an unsigned kernel ($l)" "$(tail -2 "$M/fw.msg")"
		has "mkiso warns that an unsigned kernel will not boot with Secure Boot on ($l)" "$M/fw.msg" \
			"warning: .*unsigned is not signed: with Secure Boot on, $l will refuse it"
	done
	# (systemd-boot meets an exception in the firmware right after its
	# refusal: wait for that, or for a kernel that starts anyway)
	"$T/lib/qemu-boot" -q -F uefi -S -c "$M/fw-systemd-boot.iso" -m 256 -t 200 \
		-z "$(printf '%s\n' "Exception Type" "EFI stub" "Linux version")=>2" \
		"$TWORK/fw-unsigned.log" >/dev/null 2>&1 &
	"$T/lib/qemu-boot" -q -F uefi -S -c "$M/fw-grub.iso" -m 256 -t 200 -z "you need to load the kernel first=>2" \
		"$TWORK/fw-unsigned-grub.log" >/dev/null 2>&1 &
	wait
	has "Secure Boot on, the kernel unsigned: systemd-boot (shim's check) refuses it" "$TWORK/fw-unsigned.log" \
		'Error loading .liveroot.vmlinuz: Security violation'
	hasnt "... and no kernel starts" "$TWORK/fw-unsigned.log" "EFI stub|Linux version|^R:"
	has "EFI_LOADER=grub, the kernel unsigned: shim's check in GRUB refuses it" "$TWORK/fw-unsigned-grub.log" \
		"error: bad shim signature"
	hasnt "... and no kernel starts" "$TWORK/fw-unsigned-grub.log" "EFI stub|Linux version|^R:"
else
	fail "take the kernel's signature off" "$VMLINUZ has none"
fi
rm -f "$I" "$M/unsigned" "$M/fw-systemd-boot.iso" "$M/fw-grub.iso"
