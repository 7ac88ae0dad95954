# Boot entries written for the peers, unchanged: media in dracut's
# dmsquash-live layouts (/LiveOS/squashfs.img holding the root, or the older
# LiveOS/rootfs.img inside it), archiso's (airootfs.sfs, airootfs.erofs with
# airootfs.sha512) and live-boot's, each booted with its own words and no
# liveroot.* word at all: default, copy to RAM, a writable-layer size.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
sfs=$(dirname "$MEDIUM")/root.sfs
# booted NAME WHAT PATTERN...: the boot came up and its log has each pattern
booted() {
	n=$1 what=$2; shift 2
	if up "$n"; then
		has "$what" "$TWORK/$n.log" "$@"
	else
		fail "$what" "$(grep -E 'liveroot:' "$TWORK/$n.log" | tail -4 | tr '\n' ' ')"
	fi
}
rm -rf "$M/dracut" && mkdir -p "$M/dracut/LiveOS"
cp "$sfs" "$M/dracut/LiveOS/squashfs.img"
iso "$M/dracut" "$M/dracut.iso" Fedora-Live
boot dracut1 -c "$M/dracut.iso" -t 150 -a "root=live:CDLABEL=Fedora-Live rd.live.image rd.live.overlay.size=64 rd.live.check" || true
booted dracut1 "dracut layout and words: the root comes up, each word said as understood" \
	"^R:log peer word: root=live:CDLABEL=Fedora-Live -> media=LABEL=Fedora-Live" \
	"^R:log peer word: rd.live.check: not supported, ignored" \
	"^R:log mounted /run/liveroot/media/LiveOS/squashfs.img \(squashfs" \
	"^R:log writable layer: tmpfs on /run/liveroot/rw \(size 64M\)"
boot dracut2 -c "$M/dracut.iso" -t 150 -a "root=live:CDLABEL=Fedora-Live rd.live.image rd.live.ram" || true
booted dracut2 "dracut rd.live.ram: copied to RAM, the media released" \
	"^R:log peer word: rd.live.ram -> toram=yes" "^R:log released the media"
rm -rf "$M/dracut" "$M/dracut.iso"
# dracut's older layout: squashfs.img holding LiveOS/rootfs.img (ext4)
if ext4_initramfs; then
	rm -rf "$M/dracut" "$M/dri" && mkdir -p "$M/dracut/LiveOS" "$M/dri/LiveOS"
	mkfs.ext4 -q -F -d "$ROOT" "$M/dri/LiveOS/rootfs.img" 16M >/dev/null
	sfs "$M/dri" "$M/dracut/LiveOS/squashfs.img"
	iso "$M/dracut" "$M/dracut.iso" Fedora-Live
	BOOT_INITRD=$M/initramfs-ext4.img boot dracut3 -c "$M/dracut.iso" -t 150 \
		-a "root=live:CDLABEL=Fedora-Live rd.live.image" || true
	booted dracut3 "dracut's older layout: rootfs.img (ext4) inside squashfs.img is the root" \
		"^R:log dracut's older layout: the root is /run/liveroot/layer0/LiveOS/rootfs.img" \
		"^R:mountinfo .* /run/liveroot/layer0-rootfs ro,.* - ext4 /dev/loop"
	rm -rf "$M/dracut" "$M/dri" "$M/dracut.iso"
else
	fail "dracut's older layout" "building the initramfs with ext4 failed"
fi

# archiso's layout (/arch/x86_64/airootfs.sfs) and words
rm -rf "$M/archiso" && mkdir -p "$M/archiso/arch/x86_64"
cp "$sfs" "$M/archiso/arch/x86_64/airootfs.sfs"
iso "$M/archiso" "$M/archiso.iso" ARCH_202611
boot archiso1 -c "$M/archiso.iso" -t 150 -a "archisobasedir=arch archisolabel=ARCH_202611 cow_spacesize=48M verify=y" || true
booted archiso1 "archiso layout and words: the root comes up, each word said as understood" \
	"^R:log peer word: archisolabel=ARCH_202611 -> media=LABEL=ARCH_202611" \
	"^R:log peer word: verify=y: not supported, ignored" \
	"^R:log mounted /run/liveroot/media/arch/x86_64/airootfs.sfs \(squashfs" \
	"^R:log writable layer: tmpfs on /run/liveroot/rw \(size 48M\)"
boot archiso2 -c "$M/archiso.iso" -t 150 -a "archisobasedir=arch archisolabel=ARCH_202611 copytoram=y" || true
booted archiso2 "archiso copytoram=y: copied to RAM, the media released" \
	"^R:log peer word: copytoram=y -> toram=yes" "^R:log released the media"
# archiso with airootfs.erofs (mkarchiso's erofs option) and checksum=y
rm -f "$M/archiso/arch/x86_64/airootfs.sfs"
erofs "$ROOT" "$M/archiso/arch/x86_64/airootfs.erofs"
(cd "$M/archiso/arch/x86_64" && sha512sum airootfs.erofs >airootfs.sha512)
h=$(cut -d' ' -f1 "$M/archiso/arch/x86_64/airootfs.sha512")
iso "$M/archiso" "$M/archiso.iso" ARCH_202611
boot archiso3 -c "$M/archiso.iso" -t 150 -a "archisobasedir=arch archisolabel=ARCH_202611 checksum=y" || true
booted archiso3 "archiso airootfs.erofs with checksum=y: airootfs.sha512 checked, erofs mounted" \
	"^R:log verified /run/liveroot/media/arch/x86_64/airootfs.erofs: sha512 $h" \
	"^R:mountinfo .* /run/liveroot/layer0 ro,.* - erofs "
rm -rf "$M/archiso" "$M/archiso.iso"

# Debian live-boot's layout: every /live/*.squashfs, stacked by name; the
# medium found by looking (boot=live names none)
rm -rf "$M/lb" "$M/lbx" && mkdir -p "$M/lb/live" "$M/lbx/etc"
cp "$sfs" "$M/lb/live/filesystem.squashfs"
echo "from the second image" >"$M/lbx/etc/lb-extra"
sfs "$M/lbx" "$M/lb/live/zz-extra.squashfs"
iso "$M/lb" "$M/lb.iso" "d-live 12 st amd64"
boot lb1 -c "$M/lb.iso" -t 150 -a "boot=live components quiet lrtest.cat=/etc/lb-extra" || true
booted lb1 "live-boot layout and words: both images stacked by name, the medium found by looking" \
	"^R:log peer word: boot=live \(no live-media=: live-boot looks everywhere\) -> media=auto" \
	"^R:log 2 image\(s\) in /live, stacked by name: /live/filesystem.squashfs" \
	"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/layer1:/run/liveroot/layer0" \
	"^R:cat /etc/lb-extra from the second image"
boot lb2 -c "$M/lb.iso" -t 150 -a "boot=live components toram overlay-size=40m" || true
booted lb2 "live-boot toram and overlay-size=: both images copied to RAM, the RAM layer that size" \
	"^R:log peer word: toram -> toram=yes" "^R:log peer word: overlay-size=40m -> rw=tmpfs:40m" \
	"^R:log released the media" "^R:log writable layer: tmpfs on /run/liveroot/rw \(size 40m\)" \
	"^R:mountinfo .* /run/liveroot/ram .* - tmpfs "
rm -rf "$M/lb" "$M/lbx" "$M/lb.iso"
