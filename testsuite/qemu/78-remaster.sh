# make remaster's ISOs booted the way a PC boots them, through their own
# (unchanged) boot menus: the casper layout of Ubuntu 24.04 (its defaults
# from the original initrd: BOOT=casper and the layers) from a CD through
# SeaBIOS and ISOLINUX, Linux Mint's written to a USB stick, archiso's
# syslinux entry, and Fedora's through OVMF and GRUB.  The root is the
# layout's own images, stacked as that distribution stacks them.
# (The real Debian Live ISO made by live-build: make check-remaster.)
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
W=$M/remaster
rm -rf "$W" && mkdir -p "$W"
export ROOT VMLINUZ KERNEL_DIR BUSYBOX
for L in casper mint archiso dracut; do
	# (host/47-remaster's, when they are newer than this BusyBox)
	K=$TWORK/remastered/$L.iso
	if [ -f "$K" ] && [ "$K" -nt "$BUSYBOX" ]; then
		mv "$K" "$W/$L-new.iso"
	elif ! "$T/lib/mkpeeriso" "$L" "$W/$L.iso" >"$W/mk.log" 2>&1 ||
		! "$TOP/scripts/remaster" "$W/$L.iso" "$W/$L-new.iso" >"$W/$L.out" 2>&1; then
		fail "$L: a remastered ISO to boot" "$(tail -3 "$W/mk.log" "$W/$L.out" | tr '\n' ' ')"
		continue
	fi
	rm -f "$W/$L.iso"
	case $L in
	casper) fw=bios how=cd mem=128 ;;
	mint) fw=bios how=usb mem=128 ;;
	archiso) fw=bios how=cd mem=128 ;;
	# (GRUB 2.06's EFI loader runs out of memory below 288 MB)
	dracut) fw=uefi how=cd mem=384 ;;
	esac
	dev="-c $W/$L-new.iso"
	[ "$how" = usb ] && dev="-u $W/$L-new.iso"
	# shellcheck disable=SC2086
	"$T/lib/qemu-boot" -q -F $fw $dev -m $mem -t 300 \
		-e "rescue shell (the initramfs is intact)=>poweroff -f" "$TWORK/rm-$L.log" || true
	if ! up "rm-$L"; then
		fail "$L: remastered, $fw, $how ($mem MB): the root comes up" \
			"$(grep -aE 'liveroot:|error|Kernel panic' "$TWORK/rm-$L.log" | tail -4 | tr '\n' ' ' | cut -c1-300)"
		rm -f "$W/$L-new.iso"
		continue
	fi
	case $L in
	casper) has "casper (Ubuntu 24.04), SeaBIOS, CD: the initrd's defaults read, the three layers stacked by name, the language layer not" \
			"$TWORK/rm-$L.log" "^R:log defaults \(/etc/liveroot/defaults\): boot=casper layerfs-path=minimal.standard.live.squashfs" \
			"^R:mountinfo .* / / .* - overlay overlay rw,lowerdir=/run/liveroot/layer2:/run/liveroot/layer1:/run/liveroot/layer0," \
			"^R:cat /etc/layer-standard standard" "^R:cat /etc/layer-live live" "^R:cat /etc/layer-en \(missing\)" ;;
	mint) has "Linux Mint, SeaBIOS, USB stick: boot=casper, the medium found, /casper's image" "$TWORK/rm-$L.log" \
			"^R:log peer word: boot=casper: accepted" "^R:log found a device holding the image on /dev/sd[a-z]" \
			"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/loop0" ;;
	archiso) has "archiso, SeaBIOS, CD: its syslinux entry, airootfs.sfs" "$TWORK/rm-$L.log" \
			"^R:cmdline .*archisobasedir=arch archisosearchuuid=" \
			"^R:log mounted /run/liveroot/media/arch/x86_64/airootfs.sfs" ;;
	dracut) has "Fedora (dracut), OVMF, GRUB, CD: root=live:CDLABEL=, LiveOS/squashfs.img, the initrd's cmdline.d size" \
			"$TWORK/rm-$L.log" "^R:log peer word: root=live:CDLABEL=Fedora-WS-Live-41-1-4 -> media=LABEL=Fedora-WS-Live-41-1-4" \
			"^R:log mounted /run/liveroot/media/LiveOS/squashfs.img" \
			"^R:mountinfo .* /run/liveroot/rw rw,.* - tmpfs tmpfs rw,size=524288k" ;;
	esac
	rm -f "$W/$L-new.iso"
done
rm -rf "$W" "$TWORK/remastered"
