# dm-verity (liveroot.verity=): the hash tree scripts/mkverity appends to the
# image, set up by liveroot with device-mapper ioctls between the loop
# device and the mount.  Clean images boot and read (a list of two: squashfs
# and erofs, a root hash each); a wrong root hash, a changed hash tree or a
# changed superblock end in the rescue shell with a clear message; a changed
# data block boots (here with toram: verity over the RAM copy), and reading
# it fails with EIO and the kernel's verity message.  (qemu/45-net: fetch=
# and nbd=.)
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
if ! extra_initramfs verity verity; then
	fail "initramfs with EXTRA_MODULES=verity"; exit 0
fi
VI=$M/initramfs-verity.img
V=$M/v.sfs
verity_image "$V" || { fail "a squashfs with a hash tree (scripts/mkverity)"; exit 0; }
h=$(cat "$V.hash") off=$(cat "$V.off") blob=$(cat "$V.bloboff")
pass "mkverity: a hash tree behind the squashfs, root hash $h"
cp "$V" "$M/again.sfs"
"$TOP/scripts/mkverity" "$M/again.sfs" >/dev/null 2>"$M/again.err" && fail "mkverity twice: refused" "appended again" ||
	has "mkverity on an image that has a tree: refused" "$M/again.err" "behind its filesystem"
cmp -s "$V" "$M/again.sfs" && pass "... and left as it was" || fail "mkverity twice: the image untouched" "changed"
rm -f "$M/again.sfs"
# the top layer: erofs, its own hash tree
mkdir -p "$M/top/etc" && echo "from the verity top layer" >"$M/top/etc/verity-top"
erofs "$M/top" "$M/top.erofs"
ht=$("$TOP/scripts/mkverity" "$M/top.erofs") || fail "mkverity on erofs" "$ht"
med() { # NAME [IMAGE]: an ISO with IMAGE (the verity squashfs) as live/root.sfs and the erofs layer
	rm -rf "$M/vmed" && mkdir -p "$M/vmed/live" && cp "${2:-$V}" "$M/vmed/live/root.sfs" &&
	cp "$M/top.erofs" "$M/vmed/live/top.erofs" && iso "$M/vmed" "$M/$1.iso" VERLIVE && rm -rf "$M/vmed"
}
vboot() { # NAME ISO ROOTHASHES [APPEND]: in the background (two at a time: one qemu per core)
	BOOT_INITRD=$VI boot "$1" -c "$M/$2.iso" -t 150 -a "liveroot.label=VERLIVE liveroot.verity=$3 ${4:-}" \
		>/dev/null 2>&1 &
}
short() { echo "$1" | cut -c1-16; }
# the media: clean; a byte of the hash tree changed (its first hash block,
# behind verity's superblock); a byte of the squashfs superblock's block
# (not its size); a byte in the middle of the blob's data
med clean
cp "$V" "$M/bad.sfs" && flip_byte "$M/bad.sfs" $((off + 4096 + 5)) && med tree "$M/bad.sfs"
cp "$V" "$M/bad.sfs" && flip_byte "$M/bad.sfs" 200 && med super "$M/bad.sfs"
cp "$V" "$M/bad.sfs" && flip_byte "$M/bad.sfs" $((blob + 100000)) && med data "$M/bad.sfs"
# a wrong root hash: its last digit changed
case $h in *0) bad=${h%?}1 ;; *) bad=${h%?}0 ;; esac

vboot clean clean "$h,$ht" "liveroot.image=/live/root.sfs,/live/top.erofs lrtest.readall=/verity \
lrtest.cat=/etc/verity-top liveroot.shutdown=yes lrtest.shutdown=poweroff"
# (copied to RAM first: verity over the copy)
vboot data data "$h" "liveroot.toram=yes lrtest.readall=/verity"
wait
vboot wrong clean "$bad"
vboot tree tree "$h"
wait
vboot super super "$h"
wait

L=$TWORK/clean.log
if up clean; then
	has "two clean images (squashfs, erofs) boot: dm-verity on each, a root hash each, every block readable" "$L" \
		"^R:log dm-verity: /dev/dm-0 over /dev/loop[0-9]+, [0-9]+ blocks of 4096 bytes, each checked against root hash $(short "$h")" \
		"^R:log dm-verity: /dev/dm-1 over /dev/loop[0-9]+, 1 blocks of 4096 bytes, each checked against root hash $(short "$ht")" \
		"^R:log mounted /run/liveroot/media/live/root.sfs \(squashfs, /dev/loop.*dm-verity /dev/dm-0\)" \
		"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/dm-0 " \
		"^R:mountinfo .* /run/liveroot/layer1 ro,.* - erofs /dev/dm-1 " \
		"^R:readall 262144 " "^R:cat /etc/verity-top from the verity top layer"
	has "... and on the way down the verity devices go, then the media is unmounted" "$L" \
		"^liveroot: removed device-mapper liveroot-verity0" "^liveroot: removed device-mapper liveroot-verity1" \
		"^liveroot: unmounted /.liveroot/media \(/dev/sr0\)" "^liveroot: nothing is left mounted read-write: poweroff now"
else
	fail "two images with verity= boot" "$(grep -aE 'liveroot:|verity' "$L" | tail -4 | tr '\n' ' ')"
fi
has "a wrong root hash: the rescue shell, with why" "$TWORK/wrong.log" \
	"does not match verity=$(short "$bad")\.\.\.: a wrong root hash, or a changed image or hash tree" \
	"rescue shell"
hasnt "... and nothing was booted" "$TWORK/wrong.log" "^R:"
has "a changed byte in the hash tree: the rescue shell, with why" "$TWORK/tree.log" \
	"does not match verity=.*a wrong root hash, or a changed image or hash tree" "rescue shell"
has "a changed byte in the filesystem's first block: the rescue shell, with why" "$TWORK/super.log" \
	"does not match verity=.*a changed image" "rescue shell"
L=$TWORK/data.log
if up data; then
	has "a changed data block, toram: verity over the RAM copy, the media released; reading that block fails with EIO and the kernel's message" "$L" \
		"^R:log copied 1 image" "^R:log released the media" \
		"^R:log dm-verity: /dev/dm-0 over /dev/loop[0-9]+" \
		"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/dm-0 " \
		"Input/output error" "verity: .*data block [0-9]+ is corrupted"
	hasnt "... and the changed bytes are never delivered" "$L" "^R:readall 262144 "
else
	fail "a changed data block: boots up to the read" "$(grep -aE 'liveroot:|verity' "$L" | tail -4 | tr '\n' ' ')"
fi
rm -f "$M"/*.iso "$M/bad.sfs" "$V" "$V".* "$M/top.erofs"; rm -rf "$M/top"
