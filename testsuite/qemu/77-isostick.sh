# A stick full of ISO files (the Ventoy-style layout): ISO files in each
# peer's layout on a partition of a USB stick, vfat, exFAT, NTFS (ntfs3, on
# Debian's 6.12 kernel) and ext4, each booted with a peer's own ISO-file
# word and no liveroot.* word (ext4: liveroot's own, with copy to RAM).
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
sfs=$(dirname "$MEDIUM")/root.sfs
K2=${NEW_KERNEL_DIR:-}
booted() { # NAME WHAT PATTERN...
	n=$1 what=$2; shift 2
	if up "$n"; then has "$what" "$TWORK/$n.log" "$@"
	else fail "$what" "$(grep -E 'liveroot:' "$TWORK/$n.log" | tail -4 | tr '\n' ' ')"; fi
}
# the ISO files: live-boot's, dracut's, archiso's and liveroot's own layout
S=$M/stick
rm -rf "$S" "$M/iso-src" && mkdir -p "$S/isos" "$M/iso-src/lb/live" "$M/iso-src/dr/LiveOS" \
	"$M/iso-src/ar/arch/x86_64"
cp "$sfs" "$M/iso-src/lb/live/filesystem.squashfs"
cp "$sfs" "$M/iso-src/dr/LiveOS/squashfs.img"
cp "$sfs" "$M/iso-src/ar/arch/x86_64/airootfs.sfs"
iso "$M/iso-src/lb" "$S/isos/debian-live.iso" "d-live 12 st amd64"
iso "$M/iso-src/dr" "$S/isos/fedora.iso" Fedora-Live
iso "$M/iso-src/ar" "$S/isos/archlinux.iso" ARCH_202611
cp "$MEDIUM" "$S/isos/liveroot.iso"
echo "the user's own file" >"$S/readme.txt"
rm -rf "$M/iso-src"
# stick OUT FSIMG: an MBR stick, FSIMG its one partition
stick() { disk "$1" "label: dos
start=2048, type=$3" "$2"; }

# --- vfat: live-boot's findiso= ----------------------------------------------------
vfat "$S" "$M/isofat.fs" ISOFAT 12121212 24
stick "$M/isofat.img" "$M/isofat.fs" c
boot isofat -u "$M/isofat.img" -t 150 -a "boot=live components findiso=/isos/debian-live.iso" || true
booted isofat "ISO stick, vfat: live-boot's findiso=, the stick found by looking" \
	"^R:log peer word: findiso=/isos/debian-live.iso -> iso=/isos/debian-live.iso" \
	"^R:mountinfo .* /run/liveroot/media .* - vfat /dev/sd[a-z]1 " \
	"^R:log ISO file /isos/debian-live.iso on /dev/loop" \
	"^R:log mounted /run/liveroot/iso/live/filesystem.squashfs \(squashfs"

# --- exFAT: dracut's iso-scan/filename= -------------------------------------------
if extra_initramfs exfat exfat && fusefs exfat "$S" "$M/isoex.fs" ISOEX 24; then
	stick "$M/isoex.img" "$M/isoex.fs" 7
	BOOT_INITRD=$M/initramfs-exfat.img boot isoex -u "$M/isoex.img" -t 150 \
		-a "root=live:CDLABEL=Fedora-Live rd.live.image iso-scan/filename=/isos/fedora.iso" || true
	booted isoex "ISO stick, exFAT: dracut's iso-scan/filename=, root=live:CDLABEL= taken as the ISO's label" \
		"^R:log peer word: iso-scan/filename=/isos/fedora.iso with root=live: -> media=auto" \
		"^R:mountinfo .* /run/liveroot/media .* - exfat /dev/sd[a-z]1 " \
		"^R:log mounted /run/liveroot/iso/LiveOS/squashfs.img \(squashfs"
else
	fail "ISO stick, exFAT" "initramfs with exfat, or the exFAT stick (exfatprogs, exfat-fuse) failed"
fi

# --- NTFS (ntfs3, 6.12): archiso's img_dev= + img_loop= -----------------------------
if [ -f "$K2/vmlinuz" ]; then
	BUSYBOX=$BUSYBOX KERNEL_DIR=$K2 MODULES="$MODULES ntfs3" OUT=$M/initramfs-ntfs3.img \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >"$M/mkntfs3.log" 2>&1 ||
		fail "initramfs for 6.12 with ntfs3" "$(tail -2 "$M/mkntfs3.log")"
	if fusefs ntfs "$S" "$M/isont.fs" ISOSTICK 24; then
		stick "$M/isont.img" "$M/isont.fs" 7
		VMLINUZ=$K2/vmlinuz BOOT_INITRD=$M/initramfs-ntfs3.img boot isont -u "$M/isont.img" -t 150 \
			-a "img_dev=/dev/disk/by-label/ISOSTICK img_loop=/isos/archlinux.iso archisobasedir=arch archisolabel=ARCH_202611" || true
		booted isont "ISO stick, NTFS (ntfs3): archiso's img_dev= + img_loop=" \
			"^R:log peer word: img_dev=/dev/disk/by-label/ISOSTICK -> media=LABEL=ISOSTICK" \
			"^R:mountinfo .* /run/liveroot/media ro,.* - ntfs3 /dev/sd[a-z]1 " \
			"^R:log mounted /run/liveroot/iso/arch/x86_64/airootfs.sfs \(squashfs"
	else
		fail "ISO stick, NTFS" "making the NTFS stick (ntfs-3g) failed"
	fi
else
	fail "ISO stick, NTFS" "needs the 6.12 kernel ($K2)"
fi

# --- ext4: liveroot's own words, copied to RAM, the stick released ---------------------
if ext4_initramfs; then
	ext4 "$S" "$M/isoext.fs" ISOEXT 24
	stick "$M/isoext.img" "$M/isoext.fs" 83
	BOOT_INITRD=$M/initramfs-ext4.img boot isoext -u "$M/isoext.img" -t 150 \
		-a "liveroot.label=ISOEXT liveroot.iso=/isos/liveroot.iso liveroot.toram=yes" || true
	booted isoext "ISO stick, ext4: liveroot.iso= with toram: copied, the ISO and the stick released" \
		"^R:log ISO file /isos/liveroot.iso on /dev/loop" "^R:log released the media"
	hasnt "ISO stick, ext4 toram: nothing of the stick left mounted" "$TWORK/isoext.log" \
		"^R:mountinfo .* /run/liveroot/(media|iso) "
else
	fail "ISO stick, ext4" "building the initramfs with ext4 failed"
fi
rm -rf "$S" "$M"/iso*.img "$M"/iso*.fs
