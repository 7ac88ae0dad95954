# make iso's image (scripts/mkiso): the same inputs give the same bytes; it
# holds the kernel, the initramfs, the root image and its .sha256; ISOLINUX,
# systemd-boot and GRUB offer the same four entries naming the label; El Torito BIOS and
# EFI, an MBR with the EFI partition for USB sticks; bad inputs refused
# without leaving an image.  (qemu/15-firmware boots it.)
. "$T/lib/testlib.sh"
W=$TWORK/iso
rm -rf "$W" && mkdir -p "$W"
ROOTDIR=${ROOT:-$TOP/out/demo/root}
mk() { # OUT [VAR=VALUE...] -- ROOT
	o=$1; shift
	env VMLINUZ="$VMLINUZ" INITRAMFS="$INITRAMFS" "$@" "$TOP/scripts/mkiso" "$ROOTDIR" "$o" >"$o.msg" 2>&1
}
if ! mk "$W/a.iso" LABEL=LRTEST; then
	fail "mkiso makes an image" "$(tail -3 "$W/a.iso.msg")"; exit 0
fi
pass "mkiso makes an image ($(wc -c <"$W/a.iso") bytes)"
sleep 1
mk "$W/b.iso" LABEL=LRTEST
cmp -s "$W/a.iso" "$W/b.iso" && pass "reproducible: two builds, the same bytes" ||
	fail "reproducible: two builds, the same bytes" "$(cmp "$W/a.iso" "$W/b.iso" | head -1)"
# (make iso names a relative OUT: out/live.iso; a work tree on tmpfs lists
# its files in another order than ext4 does)
(cd "$W" && mk rel.iso LABEL=LRTEST) && cmp -s "$W/a.iso" "$W/rel.iso" &&
	pass "OUT a relative path (make iso's default): the same bytes" ||
	fail "OUT a relative path: the same bytes" "$(tail -2 "$W/rel.iso.msg" 2>/dev/null)"
rm -f "$W/rel.iso"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	d=$(mktemp -d /dev/shm/lr-iso.XXXXXX)
	mk "$d/t.iso" LABEL=LRTEST && cmp -s "$W/a.iso" "$d/t.iso" &&
		pass "built on tmpfs: the same bytes as on $(stat -f -c %T "$W")" ||
		fail "built on tmpfs: the same bytes" "$(cmp "$W/a.iso" "$d/t.iso" 2>&1 | head -1)"
	rm -rf "$d"
fi
x() { xorriso -osirrox on -indev "$W/a.iso" -extract "$1" "$W/x$(echo "$1" | tr / _)" >/dev/null 2>&1; cat "$W/x$(echo "$1" | tr / _)"; }
ls=$(xorriso -indev "$W/a.iso" -find / -type f 2>/dev/null | tr -d "'" | sort | tr '\n' ' ')
for f in /boot/vmlinuz /boot/initramfs.img /live/root.sfs /live/root.sfs.sha256 /isolinux/isolinux.bin \
	/isolinux/ldlinux.c32 /isolinux/isolinux.cfg /boot/grub/grub.cfg; do
	case " $ls " in *" $f "*) ;; *) miss="${miss:-} $f" ;; esac
done
[ -z "${miss:-}" ] && pass "the image holds kernel, initramfs, root image + .sha256, both boot loaders' files" ||
	fail "the image holds its files" "missing:$miss (has: $ls)"
[ "$(x /boot/initramfs.img | sha256sum)" = "$(sha256sum <"$INITRAMFS")" ] &&
	[ "$(x /live/root.sfs | sha256sum | cut -d' ' -f1)" = "$(x /live/root.sfs.sha256 | cut -d' ' -f1)" ] &&
	pass "the initramfs is ours, the root image matches its .sha256" || fail "initramfs and .sha256" "differ"
x /isolinux/isolinux.cfg >"$W/isolinux.cfg"
x /boot/grub/grub.cfg >"$W/grub.cfg"
for e in "" "liveroot.toram=yes" "liveroot.verify=sha256" "liveroot.debug liveroot.break=postmount"; do
	for c in isolinux.cfg grub.cfg; do
		grep -q "liveroot.media=LABEL=LRTEST${e:+ $e}\$" "$W/$c" || bad="${bad:-} $c:'$e'"
	done
done
[ -z "${bad:-}" ] && pass "ISOLINUX and GRUB: default, toram, verify, debug entries, each naming LABEL=LRTEST" ||
	fail "boot entries" "missing:$bad"
hasnt "no serial console unless SERIAL=1" "$W/isolinux.cfg" "ttyS0"
rep=$(xorriso -indev "$W/a.iso" -report_el_torito plain 2>/dev/null)
echo "$rep" | grep -q "boot img :   1  BIOS" && echo "$rep" | grep -q "boot img :   2  UEFI" &&
	pass "El Torito: a BIOS and a UEFI boot image" || fail "El Torito BIOS + UEFI" "$(echo "$rep" | tr '\n' ' ')"
pt=$(sfdisk -d "$W/a.iso" 2>/dev/null)
echo "$pt" | grep -q "type=ef" && pass "USB: the MBR has an EFI system partition (isohybrid)" ||
	fail "USB: the MBR has an EFI system partition" "$pt"
# UEFI: the EFI partition (the same FAT image El Torito names) holds
# Debian's signed chain, byte for byte as the packages have it, and the
# config that finds the medium by its label
esp() { # ISO DIR: the EFI partition's files into DIR
	_s=$(sfdisk -d "$1" 2>/dev/null | sed -n 's/.*start= *\([0-9]*\).*type=ef.*/\1/p' | head -1)
	rm -rf "$2" && mkdir -p "$2"
	[ -n "$_s" ] || return 1
	for _d in EFI boot loader liveroot; do
		MTOOLS_SKIP_CHECK=1 mcopy -s -n -i "$1@@$((_s * 512))" ::/$_d "$2/" 2>/dev/null || :
	done
}
efidir=${DL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/liveroot}/efi/trixie
esp "$W/a.iso" "$W/esp" || :
# the default: shim starts Debian's signed systemd-boot, which reads the
# kernel and initramfs from the EFI partition; the same four entries
e=$W/esp/loader/entries
if cmp -s "$W/esp/EFI/BOOT/BOOTX64.EFI" "$efidir/shimx64.efi" &&
	cmp -s "$W/esp/EFI/BOOT/grubx64.efi" "$efidir/systemd-bootx64.efi" &&
	cmp -s "$W/esp/EFI/BOOT/mmx64.efi" "$efidir/mmx64.efi" &&
	cmp -s "$W/esp/liveroot/vmlinuz" "$VMLINUZ" && cmp -s "$W/esp/liveroot/initramfs.img" "$INITRAMFS" &&
	grep -q "^default 1-live.conf$" "$W/esp/loader/loader.conf" &&
	[ "$(cat "$e/1-live.conf" "$e/2-toram.conf" "$e/3-verify.conf" "$e/4-debug.conf" | sed -n 's/^sort-key //p' |
		tr '\n' ' ')" = "liveroot-1 liveroot-2 liveroot-3 liveroot-4 " ] &&
	grep -q "^auto-entries no$" "$W/esp/loader/loader.conf" &&
	[ "$(cat "$e"/*.conf 2>/dev/null | grep -c "^linux /liveroot/vmlinuz$")" = 4 ] &&
	[ "$(cat "$e"/*.conf 2>/dev/null | grep -c "^initrd /liveroot/initramfs.img$")" = 4 ] &&
	grep -q "^options liveroot.media=LABEL=LRTEST$" "$e/1-live.conf" &&
	grep -q "^title liveroot (LRTEST)$" "$e/1-live.conf" &&
	grep -q "^options liveroot.media=LABEL=LRTEST liveroot.toram=yes$" "$e/2-toram.conf" &&
	grep -q "^options liveroot.media=LABEL=LRTEST liveroot.verify=sha256$" "$e/3-verify.conf" &&
	grep -q "^options liveroot.media=LABEL=LRTEST liveroot.debug liveroot.break=postmount$" "$e/4-debug.conf"; then
	pass "Secure Boot: BOOTX64.EFI is Debian's shim, grubx64.efi its signed systemd-boot, mmx64.efi; kernel, initramfs and the four entries (LABEL=LRTEST) in the EFI partition, in the list's order, the first the default"
else
	fail "Secure Boot: Debian's chain in the EFI partition" "$(cd "$W/esp" 2>/dev/null && find . -type f | tr '\n' ' ')"
fi
grep -q "Secure Boot: Debian's shim and systemd-boot (trixie)" "$W/a.iso.msg" && hasnt "... and the kernel given is signed: no warning" \
	"$W/a.iso.msg" "not signed" || fail "mkiso says which chain" "$(cat "$W/a.iso.msg")"
# a big initramfs (80 MB) beside the kernel in the EFI partition: it fits
# (the FAT's own tables grow with it), byte for byte
head -c 80000000 /dev/zero >"$W/big.img"
if mk "$W/big.iso" LABEL=LRTEST INITRAMFS="$W/big.img"; then
	esp "$W/big.iso" "$W/esp" || :
	cmp -s "$W/esp/liveroot/initramfs.img" "$W/big.img" && pass "an 80 MB initramfs: in the EFI partition, byte for byte" ||
		fail "an 80 MB initramfs in the EFI partition" "$(ls -la "$W/esp/liveroot" 2>&1 | tr '\n' ' ')"
else
	fail "an 80 MB initramfs: an image" "$(tail -2 "$W/big.iso.msg")"
fi
rm -f "$W/big.img" "$W/big.iso" && rm -rf "$W/esp"
# EFI_LOADER=grub: Debian's signed GRUB instead, finding the medium by label
mk "$W/g.iso" LABEL=LRTEST EFI_LOADER=grub
esp "$W/g.iso" "$W/esp" || :
if cmp -s "$W/esp/EFI/BOOT/BOOTX64.EFI" "$efidir/shimx64.efi" &&
	cmp -s "$W/esp/EFI/BOOT/grubx64.efi" "$efidir/gcdx64.efi" &&
	cmp -s "$W/esp/EFI/BOOT/mmx64.efi" "$efidir/mmx64.efi" && [ ! -e "$W/esp/loader" ] && [ ! -e "$W/esp/liveroot" ] &&
	grep -q "^search --no-floppy --set=root --label LRTEST$" "$W/esp/boot/grub/grub.cfg" &&
	grep -q "Secure Boot: Debian's shim and GRUB (trixie)" "$W/g.iso.msg"; then
	pass "EFI_LOADER=grub: grubx64.efi is Debian's signed GRUB, which finds LABEL=LRTEST; no systemd-boot files"
else
	fail "EFI_LOADER=grub: Debian's GRUB in the EFI partition" "$(cd "$W/esp" 2>/dev/null && find . -type f | tr '\n' ' ')"
fi
for bad in "EFI_LOADER=lilo|EFI_LOADER=lilo: systemd-boot or grub" \
	"EFI_LOADER=systemd-boot SECUREBOOT=0|EFI_LOADER=systemd-boot: Debian's signed one, from trixie" \
	"EFI_LOADER=systemd-boot EFI_SUITE=bookworm|EFI_LOADER=systemd-boot: Debian's signed one, from trixie"; do
	rm -f "$W/bad.iso"
	# shellcheck disable=SC2086
	if mk "$W/bad.iso" ${bad%%|*}; then fail "${bad%%|*}: refused" "made an image"
	else has "${bad%%|*}: refused, nothing written" "$W/bad.iso.msg" "${bad#*|}"; fi
	[ ! -e "$W/bad.iso" ] || fail "${bad%%|*}: nothing written" "$(ls "$W")"
done
# (a line break in APPEND would start a line of its own in an entry)
rm -f "$W/bad.iso"
if mk "$W/bad.iso" "APPEND=$(printf 'quiet\nlinux /x')"; then fail "APPEND with a line break: refused" "made an image"
else has "APPEND with a line break: refused, nothing written" "$W/bad.iso.msg" "APPEND: one line, no line breaks"; fi
[ ! -e "$W/bad.iso" ] || fail "APPEND with a line break: nothing written" "$(ls "$W")"
mk "$W/o.iso" SECUREBOOT=0
esp "$W/o.iso" "$W/esp" || :
if [ -s "$W/esp/EFI/BOOT/BOOTX64.EFI" ] && ! cmp -s "$W/esp/EFI/BOOT/BOOTX64.EFI" "$efidir/shimx64.efi" &&
	[ ! -e "$W/esp/EFI/BOOT/grubx64.efi" ] && grep -q "not for Secure Boot" "$W/o.iso.msg"; then
	pass "SECUREBOOT=0: our own GRUB as BOOTX64.EFI, no shim, and mkiso says it is not for Secure Boot"
else
	fail "SECUREBOOT=0: our own GRUB" "$(cat "$W/o.iso.msg")"
fi
mkdir -p "$W/noefi"
rm -f "$W/bad.iso"
if mk "$W/bad.iso" EFI_DIR="$W/noefi"; then fail "EFI_DIR without the chain: refused" "made an image"
else has "EFI_DIR without the chain: refused, nothing written" "$W/bad.iso.msg" "has no shimx64.efi"; fi
[ ! -e "$W/bad.iso" ] || fail "EFI_DIR without the chain: nothing written" "$(ls "$W")"
# VERITY=1: the hash tree behind the root image, its root hash in every entry
mk "$W/v.iso" LABEL=LRTEST VERITY=1
vh=$(sed -n 's/.*root hash \([0-9a-f]\{64\}\);.*/\1/p' "$W/v.iso.msg")
xorriso -osirrox on -indev "$W/v.iso" -extract /live/root.sfs "$W/v.sfs" -extract /isolinux/isolinux.cfg "$W/v.cfg" \
	-extract /boot/grub/grub.cfg "$W/v.grub" >/dev/null 2>&1
esp "$W/v.iso" "$W/vesp" || :
voff=$(( ($(od -An -tu8 -j40 -N8 "$W/v.sfs" | tr -d ' ') + 4095) / 4096 * 4096 ))
if [ ${#vh} = 64 ] && [ "$(od -An -c -j"$voff" -N6 "$W/v.sfs" | tr -d ' ')" = verity ] &&
	[ "$(grep -c "liveroot.verity=$vh" "$W/v.cfg")" = 4 ] && [ "$(grep -c "liveroot.verity=$vh" "$W/v.grub")" = 4 ] &&
	[ "$(cat "$W/vesp/loader/entries/"*.conf 2>/dev/null | grep -c "^options .*liveroot.verity=$vh")" = 4 ]; then
	pass "VERITY=1: veritysetup's superblock behind the squashfs, the root hash in all four entries of the three loaders"
else
	fail "VERITY=1" "hash '$vh', at $voff: $(od -An -c -j"$voff" -N6 "$W/v.sfs"); $(grep -c verity "$W/v.cfg") entries"
fi
has "VERITY=1 with an initramfs without dm-verity: said" "$W/v.iso.msg" "has no dm-verity module: liveroot.verity= will stop"
# UEFI=0 (ARCH=i686): BIOS only, no EFI image, no EFI partition
mk "$W/u.iso" UEFI=0
rep=$(xorriso -indev "$W/u.iso" -report_el_torito plain 2>/dev/null)
if echo "$rep" | grep -q "boot img :   1  BIOS" && ! echo "$rep" | grep -q "UEFI" &&
	! sfdisk -d "$W/u.iso" 2>/dev/null | grep -q "type=ef"; then
	pass "UEFI=0: El Torito BIOS only, no EFI partition"
else
	fail "UEFI=0: BIOS only" "$(echo "$rep" | tr '\n' ' ')"
fi
# a root image given as it is: kept byte for byte; erofs too
ROOTDIR=$(dirname "$MEDIUM")/root.sfs mk "$W/s.iso"
[ "$(xorriso -osirrox on -indev "$W/s.iso" -extract /live/root.sfs "$W/s.sfs" >/dev/null 2>&1; sha256sum <"$W/s.sfs")" = \
	"$(sha256sum <"$(dirname "$MEDIUM")/root.sfs")" ] && pass "ROOT=a squashfs image: used byte for byte" ||
	fail "ROOT=a squashfs image: used byte for byte" "$(tail -2 "$W/s.iso.msg")"
mk "$W/e.iso" IMAGE_TYPE=erofs
x2=$(xorriso -indev "$W/e.iso" -find /live -type f 2>/dev/null | tr -d "'" | tr '\n' ' ')
xorriso -osirrox on -indev "$W/e.iso" -extract /isolinux/isolinux.cfg "$W/e.cfg" >/dev/null 2>&1
case $x2 in *"/live/root.erofs "*) grep -q "liveroot.image=/live/root.erofs" "$W/e.cfg" &&
	pass "IMAGE_TYPE=erofs: /live/root.erofs, named by the entries" || fail "IMAGE_TYPE=erofs entries" "$(cat "$W/e.cfg")" ;;
*) fail "IMAGE_TYPE=erofs" "$x2" ;; esac
# bad input: said, nothing written
for bad in "LABEL=has space" "LABEL=$(printf 'L%.0s' $(seq 33))" "COMP=bzip9" "IMAGE_TYPE=ext4"; do
	rm -f "$W/bad.iso"
	if mk "$W/bad.iso" "$bad"; then fail "mkiso $bad: refused" "made an image"
	elif [ -e "$W/bad.iso" ] || [ -e "$W/bad.iso.tmp" ]; then fail "mkiso $bad: nothing written" "$(ls "$W")"
	else pass "mkiso $bad: refused ($(tail -1 "$W/bad.iso.msg" | cut -c1-70)), nothing written"; fi
done
echo junk >"$W/junk"
ROOTDIR=$W/junk mk "$W/bad.iso" && fail "mkiso ROOT=not an image: refused" "made one" ||
	has "mkiso ROOT=not an image: refused" "$W/bad.iso.msg" "neither a directory nor a squashfs or erofs image"
rm -rf "$W"
