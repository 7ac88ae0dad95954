# Persistence on the sticks people have: a FAT stick holding the image and
# a persistence file made on first boot (one read-write mount of it), an
# exFAT stick with a file made by scripts/mkpersist, an ext4 disk with a
# layer directory; each written, shut down through liveroot's shutdown
# stage, booted again.  Then what the stick holds afterwards.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
persist_initramfs || { fail "building the initramfs with ext4 and exfat" "see above"; exit 0; }
export BOOT_INITRD=$M/initramfs-persist.img
sfs=$(dirname "$MEDIUM")/root.sfs
mt() { MTOOLS_SKIP_CHECK=1 mtype -i "$@"; }

# --- FAT stick: media + persistence file, made on first boot --------------------
rm -rf "$M/fat" && mkdir -p "$M/fat/live"
cp "$sfs" "$M/fat/live/root.sfs"
echo "a file of the user's" >"$M/fat/notes.txt"
vfat "$M/fat" "$M/fat.img" FATSTICK 2222AAAA 96
before=$( { mt "$M/fat.img" ::/notes.txt; mt "$M/fat.img" ::/live/root.sfs; } | sha256sum)
boot fat1 -u "$M/fat.img" -t 150 -a "liveroot.label=FATSTICK liveroot.rw=LABEL=FATSTICK:/persist.img \
liveroot.rw.create=48M lrtest.write=/root/saved:from-boot-1 lrtest.shutdown=poweroff" || true
has "FAT stick: the media is mounted read-write once, the file made and used" "$TWORK/fat1.log" \
	"^R:log media and persistent layer on one filesystem \(/dev/sd[a-z], vfat\): mounted read-write once" \
	"^R:log rw.create: made persist.img on /dev/sd[a-z]: 48 MiB, ext4 with a journal" \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/rwfile/upper" "^R:wrote /root/saved"
has "FAT stick: the shutdown stage unmounts everything (PID 1 hands over to it)" "$TWORK/fat1.log" \
	"^liveroot: unmounted /oldroot \(overlay\)" "^liveroot: unmounted /.liveroot/rwfile" \
	"^liveroot: unmounted /.liveroot/media \(/dev/sd[a-z]\)" "^liveroot: nothing is left mounted read-write: poweroff now" \
	"reboot: Power down"
boot fat2 -u "$M/fat.img" -t 150 -a "liveroot.label=FATSTICK liveroot.rw=LABEL=FATSTICK:/persist.img \
liveroot.rw.create=48M lrtest.cat=/root/saved lrtest.shutdown=reboot" || true
has "FAT stick, boot 2: the file written in boot 1 is there" "$TWORK/fat2.log" \
	"^R:cat /root/saved from-boot-1" "^R:log writable layer: persistent, the file persist.img"
hasnt "FAT stick, boot 2: both filesystems were cleanly unmounted last time" "$TWORK/fat2.log" \
	"FAT-fs .*not properly unmounted" "not cleanly unmounted" "rw.create: mak"
has "FAT stick, boot 2: reboot through the shutdown stage" "$TWORK/fat2.log" \
	"^liveroot: nothing is left mounted read-write: reboot now" "reboot: Restarting system"
after=$( { mt "$M/fat.img" ::/notes.txt; mt "$M/fat.img" ::/live/root.sfs; } | sha256sum)
[ "$before" = "$after" ] && pass "FAT stick afterwards: the user's file and the image are unchanged" ||
	fail "FAT stick afterwards: the user's file and the image are unchanged" "their bytes changed"
MTOOLS_SKIP_CHECK=1 mdir -i "$M/fat.img" ::/ >"$TWORK/fat.dir" 2>&1
if grep -q "^persist *img *50331648" "$TWORK/fat.dir" || grep -q "persist.img" "$TWORK/fat.dir"; then
	pass "FAT stick afterwards: persist.img is there, 48 MiB"
else
	fail "FAT stick afterwards: persist.img is there" "$(cat "$TWORK/fat.dir")"
fi

MTOOLS_SKIP_CHECK=1 mcopy -n -i "$M/fat.img" ::/persist.img "$TWORK/fat-persist.img" 2>/dev/null
if e2fsck -fn "$TWORK/fat-persist.img" >"$TWORK/fat-persist.fsck" 2>&1 &&
	dumpe2fs -h "$TWORK/fat-persist.img" 2>/dev/null | grep -q "^Filesystem features:.*has_journal" &&
	[ "$(dumpe2fs -h "$TWORK/fat-persist.img" 2>/dev/null | sed -n 's/^Block count: *//p')" = 12288 ]; then
	pass "FAT stick afterwards: e2fsck finds the layer clean (ext4, journal, grown to 48 MiB)"
else
	fail "FAT stick afterwards: e2fsck finds the layer clean" "$(tail -3 "$TWORK/fat-persist.fsck" | tr '\n' ' ')"
fi
rm -f "$TWORK/fat-persist.img"

# refusals on FAT: a directory layer, a file over 4 GiB
boot fat-dir -u "$M/fat.img" -t 150 -a "liveroot.label=FATSTICK liveroot.rw=LABEL=FATSTICK:/layerdir" || true
has "FAT stick: a directory layer is refused, naming the way out" "$TWORK/fat-dir.log" \
	"layerdir on /dev/sd[a-z] is missing, and vfat can't hold a directory layer: make a persistence file" \
	"rescue shell"
boot fat-big -u "$M/fat.img" -t 150 -a "liveroot.label=FATSTICK liveroot.rw=LABEL=FATSTICK:/big.img liveroot.rw.create=5G" || true
has "FAT stick: rw.create=5G is refused (FAT's 4 GiB file limit)" "$TWORK/fat-big.log" \
	"rw.create: FAT holds files up to 4 GiB - 1 byte" "rescue shell"

# --- exFAT stick, the file made on first boot (exfat can't fallocate: zeros
# written); the media on a CD; the shutdown run as a child, as other inits
# do: everything it can is remounted read-only ------------------------------------
if command -v mkfs.exfat >/dev/null; then
	rm -f "$M/exfat.img"
	truncate -s 96M "$M/exfat.img"
	mkfs.exfat -L EXSTICK "$M/exfat.img" >/dev/null 2>&1
	boot ex1 -c "$MEDIUM" -u "$M/exfat.img" -t 150 -a "liveroot.label=LIVEROOT \
liveroot.rw=LABEL=EXSTICK:/persist.img liveroot.rw.create=32M lrtest.write=/root/x:exfat-1 \
lrtest.shutdown-child=poweroff" || true
	has "exFAT stick: the file is made and used; shutdown as a child remounts read-only" "$TWORK/ex1.log" \
		"^R:log rw.create: made persist.img on /dev/sd[a-z]: 32 MiB, ext4 with a journal" "^R:wrote /root/x" \
		"^liveroot: remounted / \(overlay\) read-only" \
		"^liveroot: remounted /run/liveroot/rwfile \(/dev/loop[0-9]\) read-only"
	boot ex2 -c "$MEDIUM" -u "$M/exfat.img" -t 150 -a "liveroot.label=LIVEROOT \
liveroot.rw=LABEL=EXSTICK:/persist.img lrtest.cat=/root/x" || true
	has "exFAT stick, boot 2: the file is there" "$TWORK/ex2.log" "^R:cat /root/x exfat-1"
	hasnt "exFAT stick, boot 2: the filesystem in the file was cleanly unmounted" "$TWORK/ex2.log" \
		"not cleanly unmounted"
else
	fail "exFAT stick" "mkfs.exfat missing (make deps)"
fi

# --- ext4 disk, layer directory; shutdown as a child: nothing left read-write -----------
rm -rf "$M/e4" && mkdir -p "$M/e4"
ext4 "$M/e4" "$M/e4.img" E4LAYER 3072
boot e41 -c "$MEDIUM" -d "$M/e4.img" -t 150 -a "liveroot.label=LIVEROOT liveroot.rw=LABEL=E4LAYER:/rw \
lrtest.write=/root/y:ext4-1 lrtest.shutdown-child=reboot" || true
has "ext4 layer directory: shutdown as a child leaves nothing read-write" "$TWORK/e41.log" \
	"^R:wrote /root/y" "^liveroot: remounted /run/liveroot/persist \(/dev/vda\) read-only" \
	"^liveroot: nothing is left mounted read-write: reboot now"
boot e42 -c "$MEDIUM" -d "$M/e4.img" -t 150 -a "liveroot.label=LIVEROOT liveroot.rw=LABEL=E4LAYER:/rw lrtest.cat=/root/y" || true
has "ext4 layer directory, boot 2: the file is there" "$TWORK/e42.log" "^R:cat /root/y ext4-1"
hasnt "ext4 layer directory, boot 2: no journal replay, nothing unclean" "$TWORK/e42.log" \
	"not cleanly unmounted" "EXT4-fs \(vda\): recovery complete"

# --- NTFS stick (ntfs3: Debian's 6.12 kernel has it, 6.1 not) ---------------------
K2=${NEW_KERNEL_DIR:-}
if [ -f "$K2/vmlinuz" ] && command -v mkntfs >/dev/null; then
	BUSYBOX=$BUSYBOX KERNEL_DIR=$K2 MODULES="$MODULES ext4 ntfs3" OUT=$M/initramfs-ntfs.img \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >"$M/mkntfs.log" 2>&1 ||
		fail "initramfs for 6.12 with EXTRA_MODULES='ext4 ntfs3'" "$(tail -2 "$M/mkntfs.log")"
	rm -f "$M/ntfs.img" && truncate -s 96M "$M/ntfs.img"
	mkntfs -q -F -f -L NTSTICK "$M/ntfs.img" >/dev/null 2>&1
	VMLINUZ=$K2/vmlinuz BOOT_INITRD=$M/initramfs-ntfs.img boot nt1 -c "$MEDIUM" -u "$M/ntfs.img" -t 150 \
		-a "liveroot.label=LIVEROOT liveroot.rw=LABEL=NTSTICK:/persist.img liveroot.rw.create=32M \
lrtest.write=/root/n:ntfs-1 lrtest.shutdown=poweroff" || true
	has "NTFS stick (ntfs3, 6.12): the file is made and used, everything unmounted at the end" "$TWORK/nt1.log" \
		"^R:log mounted /dev/sd[a-z] \(ntfs3\) read-write on /run/liveroot/persist" \
		"^R:log rw.create: made persist.img on /dev/sd[a-z]: 32 MiB, ext4 with a journal" "^R:wrote /root/n" \
		"^liveroot: nothing is left mounted read-write: poweroff now"
	VMLINUZ=$K2/vmlinuz BOOT_INITRD=$M/initramfs-ntfs.img boot nt2 -c "$MEDIUM" -u "$M/ntfs.img" -t 150 \
		-a "liveroot.label=LIVEROOT liveroot.rw=LABEL=NTSTICK:/persist.img lrtest.cat=/root/n" || true
	has "NTFS stick, boot 2: the file is there" "$TWORK/nt2.log" "^R:cat /root/n ntfs-1"
else
	fail "NTFS stick" "needs the 6.12 kernel ($K2) and mkntfs (ntfs-3g: make deps)"
fi
# a big persistence file: allocated at once (fallocate), the template grown by
# the kernel to 2 GiB (16 block groups)
boot e4big -c "$MEDIUM" -d "$M/e4.img" -t 150 -a "liveroot.label=LIVEROOT liveroot.rw=LABEL=E4LAYER:/big.img \
liveroot.rw.create=2G lrtest.write=/root/z:big" || true
has "rw.create=2G on ext4: made, grown by the kernel, used" "$TWORK/e4big.log" \
	"^R:log rw.create: made big.img on /dev/vda: 2048 MiB, ext4 with a journal" \
	"EXT4-fs \(loop[0-9]\): resized filesystem to 524288" "^R:wrote /root/z" \
	"^R:df /dev/loop[0-9]+ +20[0-9]{5} "
rm -f "$M/e4.img"
