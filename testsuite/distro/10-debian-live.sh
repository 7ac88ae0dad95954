# A real Debian Live ISO, made by Debian's own live-build (scripts/mklivebuild:
# BIOS + UEFI, iso-hybrid, live-boot's 42 MB initramfs, Debian's signed shim
# and GRUB; cached in DL_DIR), remastered with make remaster and booted the
# way a PC boots it: SeaBIOS and ISOLINUX, OVMF and GRUB, from a CD and as a
# USB stick, through its own unchanged menus (no timeout: a key is pressed),
# to systemd's multi-user target.  Its root reports on the first serial port
# (a unit mklivebuild adds).  Not in make check: make check-remaster.
. "$T/lib/testlib.sh"
W=$TWORK/debian-live
rm -rf "$W" && mkdir -p "$W"
if ! "$TOP/scripts/mklivebuild" >"$W/lb.out" 2>&1; then
	fail "a Debian Live ISO from live-build (scripts/mklivebuild)" "$(tail -3 "$W/lb.out" | tr '\n' ' ')"
	exit 0
fi
I=$(sed -n 's/^mklivebuild: \(\/.*\.iso\).*/\1/p' "$W/lb.out" | head -1)
if ! "$TOP/scripts/remaster" "$I" "$W/new.iso" >"$W/rm.out" 2>&1; then
	fail "the Debian Live ISO remastered" "$(tail -5 "$W/rm.out" | tr '\n' ' ')"; exit 0
fi
has "Debian Live: every entry (ISOLINUX's and GRUB's) read as live-boot's, nothing unsupported" "$W/rm.out" \
	"entry 1: Live system \(amd64\) \(/boot/grub/grub.cfg\)" "\(/isolinux/live.cfg\)" \
	"peer: boot=live: accepted \(live-boot's layout\)" "liveroot: media=auto image_dir=/live rw=tmpfs"
hasnt "Debian Live: no entry left not understood" "$W/rm.out" "NOT UNDERSTOOD"
before=$(awk '$1 == "/live/initrd.img" { print $2 }' "$W/rm.out")
after=$(awk '$1 ~ /^\/live\/initrd.img-/ { print $3 }' "$W/rm.out")
[ -n "$before" ] && [ -n "$after" ] && [ "$after" -lt $((before / 10)) ] &&
	pass "Debian Live: the initramfs from $before to $after bytes" ||
	fail "Debian Live: the initramfs much smaller" "$before -> $after"
# uefisb: OVMF with Secure Boot enforcing and Microsoft's keys: Debian's
# shim, its signed GRUB and signed kernel, none of which checks the initramfs
for b in bios-cd bios-usb uefi-cd uefi-usb uefisb-cd; do
	fw=${b%-*} how=${b#*-} sb=
	[ "$fw" = uefisb ] && { fw=uefi sb=-S; }
	# (GRUB 2.06's EFI loader runs out of memory below 288 MB: bench-remaster)
	mem=128; [ "$fw" = uefi ] && mem=384
	dev="-c $W/new.iso"
	[ "$how" = usb ] && { cp "$W/new.iso" "$W/usb.img"; dev="-u $W/usb.img"; }
	# shellcheck disable=SC2086
	"$T/lib/qemu-boot" -q -F "$fw" $sb -V $dev -m $mem -t 420 -K "10:ret 20:ret 30:ret 40:ret 50:ret" \
		"$TWORK/deb-$b.log" || true
	sed -i 's/\x1b\[[0-9;=?]*[A-Za-z]//g' "$TWORK/deb-$b.log"
	case $b in
	bios*) said="firmware: BIOS" ;;
	uefisb*) said="firmware: UEFI, Secure Boot on" ;;
	*) said="firmware: UEFI, Secure Boot off" ;;
	esac
	has "Debian Live remastered, $fw${sb:+ (Secure Boot)}, $how, $mem MB: its own menu's default entry, liveroot's stack, systemd reaches multi-user" \
		"$TWORK/deb-$b.log" "^R:cmdline BOOT_IMAGE=/live/vmlinuz.* boot=live components quiet splash" \
		"^R:log $said" \
		"^R:log found a device holding the image on /dev/(sr0|sd[a-z])" \
		"^R:mountinfo .* / / .* - overlay overlay rw,lowerdir=/run/liveroot/layer0,upperdir=/run/liveroot/rw/upper" \
		"^R:multi-user /usr/lib/systemd/systemd" "^R:meminfo MemAvailable: "
	rm -f "$W/usb.img"
done
rm -rf "$W"
