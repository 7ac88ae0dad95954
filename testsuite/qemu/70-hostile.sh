# Hostile media, booted for real on Debian's kernel: each ends in a clear
# message and either a correct boot or the rescue shell -- never a panic,
# never a write to a device the user did not name.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
base=$M/base.sfs
[ -f "$base" ] || sfs "$ROOT" "$base"

# rescued NAME LABEL PATTERN: the rescue shell came, with PATTERN, no panic
rescued() {
	l=$TWORK/$1.log
	if grep -qE -- "$3" "$l" && grep -q "rescue shell (the initramfs is intact)" "$l" &&
		! grep -q "Kernel panic" "$l" && ! grep -q "^R:end" "$l"; then
		pass "$2"
	else
		fail "$2" "$(grep -E 'liveroot:|panic' "$l" | tail -4 | tr '\n' ' ')"
	fi
}
# hostile NAME SETUP LABEL PATTERN: an ISO whose /live/root.sfs is made by
# SETUP (run in the ISO's tree), booted from the CD
hostile() {
	rm -rf "$M/h-$1" && mkdir -p "$M/h-$1/live"
	(cd "$M/h-$1" && eval "$2")
	iso "$M/h-$1" "$M/h-$1.iso" HOSTILE
	boot "h-$1" -c "$M/h-$1.iso" -t 150 -a "liveroot.label=HOSTILE liveroot.timeout=20" || true
	rescued "h-$1" "$3" "$4"
}

hostile badsqsb "cp '$base' live/root.sfs && printf 'hsqs\377\377\377\377\377\377\377\377\377\377\377\377' | dd of=live/root.sfs conv=notrunc status=none" \
	"qemu: a squashfs with a corrupt superblock: clear message, rescue shell" "mount squashfs .* damaged image\?"
erofs "$ROOT" "$M/good.erofs"
hostile baderofs "cp '$M/good.erofs' live/root.sfs && dd if=/dev/urandom of=live/root.sfs bs=1 seek=1028 count=64 conv=notrunc status=none" \
	"qemu: an erofs with a corrupt superblock: clear message, rescue shell" "mount erofs .* damaged image\?"
hostile dir "mkdir live/root.sfs && cp '$base' live/root.sfs/x" \
	"qemu: an image that is a directory: refused" "image /live/root.sfs on the media is not a regular file \(a directory\)"
hostile fifo "mkfifo live/root.sfs" \
	"qemu: an image that is a FIFO: refused at once" "image /live/root.sfs on the media is not a regular file \(a FIFO\)"
hostile empty ": >live/root.sfs" "qemu: a 0-byte image: refused" "image /live/root.sfs on the media is empty"
# the initramfs has /bin/busybox: a symlink to it must not be followed out
hostile symlink "ln -s /bin/busybox live/root.sfs" \
	"qemu: an image symlinked out of the media is not followed out" \
	"image /live/root.sfs \(on the media, symlinks resolved inside it\): No such file"

# --- a multi-extent file on the CD: every block is mapped ------------------
# three sections; the first, middle and last block sit where a file in one
# piece would have them, the middle section's old place is zeroed.  The
# loop over the CD at an offset would read those zeros: the file must be
# read through isofs (which follows the sections), and verify must hash
# what is mounted.
mkdir -p "$M/me/live"
cp "$base" "$M/me/live/root.sfs"
sum=$(sha256sum <"$base" | cut -d' ' -f1)
[ ${#sum} = 64 ] || fail "sha256 of a test image" "got '$sum'"
iso "$M/me" "$M/multi.iso" MULTI
"$T/lib/iso-multiextent" "$M/multi.iso" /live/root.sfs >/dev/null ||
	fail "making a multi-extent ISO"
boot multi -c "$M/multi.iso" -t 150 -a "liveroot.label=MULTI liveroot.verify=sha256:$sum" || true
has "qemu: a multi-extent ISO file is not looped at an offset; verified and booted" "$TWORK/multi.log" \
	"is not stored in one piece on the media .*reading it through the file" \
	"^R:log verified /run/liveroot/media/live/root.sfs: sha256 $sum \(the bytes the loop device delivers\)" \
	"^R:end"
hasnt "qemu: multi-extent: no squashfs errors" "$TWORK/multi.log" "SQUASHFS error"

# --- the same label on a second stick ----------------------------------------
# (two virtio disks: they appear together, when virtio_blk loads)
mkdir -p "$M/twin/live"
cp "$base" "$M/twin/live/root.sfs"
vfat "$M/twin" "$M/twin1.img" TWINLIVE 0000CAFE 16
vfat "$M/twin" "$M/twin2.img" TWINLIVE 0000BEEF 16
before=$(cat "$M/twin1.img" "$M/twin2.img" | sha256sum)
boot twin -d "$M/twin1.img" -d "$M/twin2.img" -t 150 -a "liveroot.label=TWINLIVE liveroot.timeout=20" || true
rescued twin "qemu: the boot label on two disks: refused, naming both" \
	"LABEL=TWINLIVE matches both /dev/vd[ab] and /dev/vd[ab]: refusing to guess"
[ "$before" = "$(cat "$M/twin1.img" "$M/twin2.img" | sha256sum)" ] &&
	pass "qemu: twin labels: neither disk was written" ||
	fail "qemu: twin labels: neither disk was written"

# --- a persistence stick whose DIR is a symlink ---------------------------------
ext4_initramfs || fail "building the initramfs with ext4"
for spec in "liveroot:/" "liveroot/upper:/etc"; do
	name=plink-$(echo "${spec%%:*}" | tr / _)
	rm -rf "$M/$name" && mkdir -p "$M/$name/$(dirname "${spec%%:*}")"
	ln -s "${spec#*:}" "$M/$name/${spec%%:*}"
	ext4 "$M/$name" "$M/$name.img" PLINK 16 >/dev/null
	BOOT_INITRD=$M/initramfs-ext4.img boot "$name" -c "$MEDIUM" -d "$M/$name.img" -t 150 \
		-a "liveroot.label=LIVEROOT liveroot.rw=LABEL=PLINK" || true
	# (the layer's own name a symlink: refused as it is looked at; one
	# below it: refused by the walk)
	rescued "$name" "qemu: persistence with ${spec%%:*} -> ${spec#*:} on the stick: refused" \
		"(liveroot on /dev/vda is a symlink: refusing it|upper in /run/liveroot/persist/liveroot/upper is a symlink: refusing)"
done

# --- the same label on two partitions of one disk ------------------------------------
mkdir -p "$M/sd/live"
cp "$base" "$M/sd/live/root.sfs"
vfat "$M/sd" "$M/sd-part.img" SAMEDISK 0000D15C 8
rm -f "$M/sd-disk.img"; truncate -s 20M "$M/sd-disk.img"
printf 'label: gpt\nstart=2048, size=16384\nstart=20480, size=16384\n' | sfdisk -q "$M/sd-disk.img" >/dev/null
dd if="$M/sd-part.img" of="$M/sd-disk.img" bs=512 seek=2048 conv=notrunc status=none
dd if="$M/sd-part.img" of="$M/sd-disk.img" bs=512 seek=20480 conv=notrunc status=none
boot samedisk -d "$M/sd-disk.img" -t 150 -a "liveroot.label=SAMEDISK liveroot.timeout=20" || true
rescued samedisk "qemu: the boot label on two partitions of one disk: refused" \
	"LABEL=SAMEDISK matches both /dev/vda[12] and /dev/vda[12]: refusing to guess"
# an isohybrid-style disk (the filesystem at sector 0 of the disk and of its
# first partition) is one medium: it boots
xorriso -as mkisofs -quiet -V HYBRID -R -o "$M/hybrid.iso" "$M/sd" 2>/dev/null
sz=$(( $(wc -c <"$M/hybrid.iso") / 512 ))
cp "$M/hybrid.iso" "$M/hybrid.img"
truncate -s $(( (sz + 2048) * 512 )) "$M/hybrid.img"
# an MBR whose partition 1 starts at sector 0 (as isohybrid writes it)
printf '\200\000\001\000\027\376\377\377\000\000\000\000' | dd of="$M/hybrid.img" bs=1 seek=446 conv=notrunc status=none
printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((sz & 255)) $((sz >> 8 & 255)) $((sz >> 16 & 255)) $((sz >> 24 & 255)))" |
	dd of="$M/hybrid.img" bs=1 seek=458 conv=notrunc status=none
printf '\125\252' | dd of="$M/hybrid.img" bs=1 seek=510 conv=notrunc status=none
boot hybrid -d "$M/hybrid.img" -t 150 -a "liveroot.label=HYBRID liveroot.timeout=20" || true
up hybrid && pass "qemu: a disk and its own partition at sector 0 (isohybrid) are one medium: it boots" ||
	fail "qemu: isohybrid disk boots" "$(grep -E 'liveroot:' "$TWORK/hybrid.log" | tail -3 | tr '\n' ' ')"
