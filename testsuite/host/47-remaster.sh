# make remaster (scripts/remaster) on ISOs laid out as casper (Ubuntu 24.04's
# layers, Linux Mint), archiso (kernel and initramfs also in the appended EFI
# partition) and dracut (Fedora) lay them out (testsuite/lib/mkpeeriso):
# every boot entry is read and shown as liveroot reads it, each initramfs is
# replaced by liveroot's for the ISO's own kernel (modules from its root
# image, the original's defaults and early microcode kept), every other file
# and the boot records stay.  Hostile ISOs are refused with nothing written.
# (qemu/78-remaster boots the results: kept in $TWORK/remastered.)
. "$T/lib/testlib.sh"
W=$TWORK/remaster
rm -rf "$W" "$TWORK/remastered" && mkdir -p "$W"
export ROOT=${ROOT:-$TOP/out/demo/root} VMLINUZ KERNEL_DIR BUSYBOX
KVER=$(basename "$(readlink -f "$KERNEL_DIR")")
mkpeer() { "$T/lib/mkpeeriso" "$@" >"$W/mk.log" 2>&1 || { cat "$W/mk.log"; return 1; }; }
rem() { "$TOP/scripts/remaster" "$@" >"$W/out" 2>&1; }
files() { # ISO DIR: every file of it, extracted
	rm -rf "$2" && mkdir -p "$2" && xorriso -osirrox on -indev "$1" -extract / "$2" >/dev/null 2>&1 && chmod -R u+w "$2"; }
boot_setup() { # ISO: the El Torito and partition setup, without places
	xorriso -indev "$1" -report_el_torito as_mkisofs 2>/dev/null |
		sed "s/--interval:[a-z_]*:[0-9sd-]*:[^']*'[^']*'/INTERVAL/; s/appended_partition_2_start_[0-9]*s_size_/P2_/"; }

# hostile inputs: refused, said, nothing written
refused() { # WHAT ISO PATTERN
	rm -f "$W/bad-new.iso"
	if rem "$2" "$W/bad-new.iso"; then
		fail "refused: $1" "remaster succeeded"
	elif [ -e "$W/bad-new.iso" ]; then
		fail "refused: $1" "an ISO was written"
	elif grep -qE "$3" "$W/out"; then
		pass "refused: $1 ($(grep -E "$3" "$W/out" | head -1 | cut -c1-150))"
	else
		fail "refused: $1" "$(tail -3 "$W/out" | tr '\n' ' ')"
	fi
}
for L in casper mint archiso dracut; do
	mkpeer "$L" "$W/$L.iso" || { fail "$L: a test ISO in its layout (mkpeeriso)" "see above"; continue; }
	if ! rem "$W/$L.iso" "$W/$L-new.iso"; then
		fail "$L: remastered" "$(tail -5 "$W/out" | tr '\n' ' ')"; continue
	fi
	cp "$W/out" "$W/$L.out"
	case $L in
	casper) rd=/casper/initrd
		has "casper (Ubuntu 24.04): the initrd's BOOT=casper and LAYERFS_PATH become defaults; the layers stacked by name, the language layer not" "$W/out" \
			"entry 1: Try or Install Ubuntu \(/boot/grub/grub.cfg\)" "entry 4: Try or Install Ubuntu \(/isolinux/isolinux.cfg\)" \
			"^  defaults: boot=casper layerfs-path=minimal.standard.live.squashfs$" \
			"liveroot: media=auto image=/casper/minimal.squashfs,/casper/minimal.standard.squashfs,/casper/minimal.standard.live.squashfs rw=tmpfs" ;;
	mint) rd=/casper/initrd.lz
		has "Linux Mint: boot=casper on the entries, every image in /casper; the installer's words said, not dropped" "$W/out" \
			"entry 3: Start in compatibility mode \(/isolinux/isolinux.cfg\)" \
			"peer: file=/cdrom/preseed/linuxmint.seed: accepted \(for the system's installer, not liveroot's\)" \
			"liveroot: media=auto image_dir=/casper rw=tmpfs" ;;
	archiso) rd=/arch/boot/x86_64/initramfs-linux.img
		has "archiso: syslinux and systemd-boot entries, also those inside the EFI partition" "$W/out" \
			"\(/boot/syslinux/archiso_sys-linux.cfg\)" "\(/loader/entries/01-archiso-linux.conf\)" \
			"\(fat1:/loader/entries/01-archiso-linux.conf\)" \
			"liveroot: media=auto image=/arch/x86_64/airootfs.sfs\|/arch/x86_64/airootfs.erofs" \
			"^fat1:/arch/boot/x86_64/initramfs-linux.img " ;;
	dracut) rd=/images/pxeboot/initrd.img
		has "dracut (Fedora): root=live:CDLABEL=, and the initrd's /etc/cmdline.d words as defaults" "$W/out" \
			"^  defaults: rd.live.overlay.size=512$" \
			"liveroot: media=LABEL=Fedora-WS-Live-41-1-4 image=/LiveOS/squashfs.img rw=tmpfs:512M" ;;
	esac
	has "$L: sizes reported, each initramfs before and after" "$W/out" "^initramfs +before +after$" "^$rd +[0-9]+ +[0-9]+ "
	files "$W/$L.iso" "$W/$L.a"; files "$W/$L-new.iso" "$W/$L.b"
	# (ISOLINUX's boot-info-table and the boot catalog hold the new places)
	d=$(diff -r "$W/$L.a" "$W/$L.b" 2>&1 | sed "s#$W/##g" | grep -v '/boot\.cat \|/isolinux\.bin ')
	[ "$d" = "Binary files $L.a$rd and $L.b$rd differ" ] &&
		pass "$L: the initramfs replaced under its own name, every other file the same" ||
		fail "$L: only the initramfs differs" "$(echo "$d" | head -3 | tr '\n' ' ')"
	n=$W/$L.b$rd
	cpio -it --quiet <"$n" 2>/dev/null | grep -v '^\.$' | head -1 | grep -q '^kernel$' &&
		pass "$L: the original's early microcode comes first" ||
		fail "$L: the original's early microcode comes first" "$(cpio -it --quiet <"$n" 2>/dev/null | head -2 | tr '\n' ' ')"
	rm -rf "$W/u" && mkdir -p "$W/u" && unmkinitramfs "$n" "$W/u" 2>/dev/null
	m=$W/u/main
	if [ -x "$m/bin/busybox" ] && [ -f "$m/etc/initramfs-complete" ] &&
		ls "$m/lib/modules/$KVER/kernel/fs/squashfs/"squashfs.ko* >/dev/null 2>&1; then
		pass "$L: the new initramfs is liveroot's, with the ISO kernel's modules ($KVER)"
	else
		fail "$L: the new initramfs is liveroot's" "$(ls "$W/u" "$m" 2>&1 | tr '\n' ' ')"
	fi
	# (qemu/78-remaster boots these: kept for it)
	mkdir -p "$TWORK/remastered" && cp "$W/$L-new.iso" "$TWORK/remastered/$L.iso"
	boot_setup "$W/$L.iso" >"$W/bs1"; boot_setup "$W/$L-new.iso" >"$W/bs2"
	[ -s "$W/bs1" ] && cmp -s "$W/bs1" "$W/bs2" &&
		pass "$L: the boot records replayed (El Torito BIOS + EFI, MBR, appended EFI partition)" ||
		fail "$L: the boot records replayed" "$(diff "$W/bs1" "$W/bs2" | head -4 | tr '\n' ' ')"
done
[ -f "$W/casper-new.iso" ] && [ "$(cat "$W/u/main/etc/liveroot/defaults" 2>/dev/null)" = "rd.live.overlay.size=512" ] &&
	pass "the defaults file in the new initramfs (dracut: its cmdline.d)" ||
	fail "the defaults file in the new initramfs" "$(cat "$W/u/main/etc/liveroot/defaults" 2>&1)"

# archiso: the EFI partition's copy replaced too, its UUID (the volume's
# date, which archisosearchuuid= names) kept
if [ -f "$W/archiso-new.iso" ]; then
	part() { # ISO: the appended EFI partition
		iv=$(xorriso -indev "$1" -report_el_torito as_mkisofs 2>/dev/null |
			sed -n "s/^-append_partition 2 .*--interval:local_fs:\([0-9]*\)d-\([0-9]*\)d:.*/\1 \2/p")
		set -- "$1" $iv
		dd if="$1" bs=512 skip="$2" count=$(($3 - $2 + 1)) status=none
	}
	part "$W/archiso-new.iso" >"$W/efi.img"
	MTOOLS_SKIP_CHECK=1 mcopy -n -i "$W/efi.img" ::/arch/boot/x86_64/initramfs-linux.img "$W/efi-rd" 2>/dev/null
	cmp -s "$W/efi-rd" "$W/archiso.b/arch/boot/x86_64/initramfs-linux.img" &&
		pass "archiso: the EFI partition's initramfs is the new one too" ||
		fail "archiso: the EFI partition's initramfs is the new one too" "$(ls -l "$W/efi-rd" 2>&1)"
	u1=$(blkid -o value -s UUID "$W/archiso.iso") u2=$(blkid -o value -s UUID "$W/archiso-new.iso")
	[ -n "$u1" ] && [ "$u1" = "$u2" ] && pass "archiso: the volume UUID (archisosearchuuid=) kept: $u2" ||
		fail "archiso: the volume UUID kept" "$u1 -> $u2"
fi

# Fedora 42's erofs root image (LiveOS/squashfs.img): read by mounting it,
# only when asked (-m: the host kernel parses the ISO's image), unmounted
# again; Fedora's older ext4 LiveOS/rootfs.img inside the squashfs the same
if [ "$(id -u)" = 0 ] && EROFS=1 mkpeer dracut "$W/ero.iso"; then
	refused "an erofs root image without -m (it would have to be mounted)" "$W/ero.iso" \
		"is erofs: its modules are read by mounting it, .*remaster -m"
	if rem -m "$W/ero.iso" "$W/ero-new.iso"; then
		files "$W/ero-new.iso" "$W/ero.b"
		rm -rf "$W/u" && mkdir -p "$W/u" && unmkinitramfs "$W/ero.b/images/pxeboot/initrd.img" "$W/u" 2>/dev/null
		ls "$W/u/main/lib/modules/$KVER/kernel/fs/erofs/"erofs.ko* >/dev/null 2>&1 &&
			! grep -q " $W/" /proc/mounts &&
			pass "dracut with an erofs root image (Fedora 42): its modules read, nothing left mounted" ||
			fail "dracut with an erofs root image" "$(ls "$W/u/main/lib/modules/$KVER/kernel/fs" 2>&1 | tr '\n' ' '; grep " $W/" /proc/mounts)"
	else
		fail "dracut with an erofs root image (Fedora 42): remastered" "$(tail -3 "$W/out" | tr '\n' ' ')"
	fi
	rm -rf "$W/ero.b" "$W/ero.iso" "$W/ero-new.iso"
	if ROOTFSIMG=1 mkpeer dracut "$W/f40.iso" && rem -m "$W/f40.iso" "$W/f40-new.iso" &&
		grep -q "^/images/pxeboot/initrd.img .* [0-9]" "$W/out" && ! grep -q " $W/" /proc/mounts; then
		pass "dracut with Fedora's older ext4 LiveOS/rootfs.img in the squashfs (-m): its modules read, nothing left mounted"
	else
		fail "dracut with Fedora's older LiveOS/rootfs.img (-m)" "$(tail -3 "$W/out" | tr '\n' ' '; grep " $W/" /proc/mounts)"
	fi
	rm -f "$W/f40.iso" "$W/f40-new.iso"
fi

# -n: the plan, nothing written
rem -n "$W/casper.iso" "$W/dry.iso" && [ ! -e "$W/dry.iso" ] && grep -q "^remaster: -n: nothing written" "$W/out" &&
	pass "-n shows the plan and writes nothing" || fail "-n writes nothing" "$(tail -2 "$W/out" | tr '\n' ' ')"

if [ -f "$W/casper.iso" ]; then
	head -c $(( $(wc -c <"$W/casper.iso") / 2 )) "$W/casper.iso" >"$W/trunc.iso"
	refused "a truncated ISO" "$W/trunc.iso" "truncated"
fi
head -c 1048576 /dev/urandom >"$W/random.iso"
refused "a file that is no ISO" "$W/random.iso" "not an ISO 9660 image"
NODEFAULTS=1 mkpeer casper "$W/nodef.iso" &&
	refused "no boot entry liveroot understands (casper without the initrd's defaults: only '--- quiet splash')" \
		"$W/nodef.iso" "understands none of the boot entries"
NOMODULES=1 mkpeer mint "$W/nomod.iso" &&
	refused "a kernel whose modules are not in the ISO's images" "$W/nomod.iso" "modules of Linux $KVER .* are in none of"
EXTRA_GRUB='menuentry "x" {
	linux /casper/vmlinuz boot=casper
	initrd /casper/../../etc/shadow
}' mkpeer casper "$W/outside.iso" &&
	refused "an entry naming a file outside the ISO (..)" "$W/outside.iso" "/casper/../../etc/shadow is not a file on the ISO"
EXTRA_GRUB='menuentry "x" {
	linux /casper/vmlinuz boot=casper
	initrd (hd0,gpt2)/initrd.img
}' mkpeer casper "$W/outside2.iso" &&
	refused "an entry naming another device's file" "$W/outside2.iso" "is not a file on the ISO"
DOTDOT=1 mkpeer mint "$W/dotdot.iso" &&
	refused "modules.dep naming a module outside its tree (../)" "$W/dotdot.iso" \
		"not a file inside the tree|names a path outside its tree"
LINKMOD=1 mkpeer mint "$W/link.iso" &&
	refused "a module in the image that is a symbolic link (to the host's /etc/passwd)" "$W/link.iso" \
		"holds a symbolic link or special file where the modules are"
# an initrd whose names reach out (a link then a file through it, ../, a
# name with blanks naming the host's files): read, never unpacked
EVIL_INITRD=$W/victim mkpeer casper "$W/evil.iso" && rem "$W/evil.iso" "$W/evil-new.iso" &&
	[ -z "$(ls -A "$W/victim")" ] && grep -q "^  defaults: boot=casper layerfs-path=minimal.standard.live.squashfs$" "$W/out" &&
	pass "an initrd with names that reach out of a directory: nothing written outside, its defaults read" ||
	fail "an initrd with names that reach out of a directory" "$(ls -A "$W/victim" 2>&1; grep defaults: "$W/out" | head -1)"
rm -f "$W/evil.iso" "$W/evil-new.iso"
k686=${DL_DIR:-$HOME/.cache/liveroot}/kernel/6.1.0-50-686/vmlinuz
if [ -f "$k686" ]; then
	VMLINUZ=$k686 mkpeer mint "$W/i686.iso" &&
		refused "a kernel for another architecture (686 kernel, x86_64 BusyBox)" "$W/i686.iso" "is Linux .* for i686, but"
fi
rm -rf "$W"
