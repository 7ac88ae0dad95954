# The whole applet (media, image, loop, stack, switch) as PID 1 of a private
# namespace on the host kernel: fast checks of the mount stack.
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
. "$T/lib/media.sh"
trap ns_exit EXIT

# media are ext4 images here: the host kernel may lack iso9660 and vfat
for fs in ext4 squashfs overlay; do
	if ! grep -qw "$fs" /proc/filesystems; then
		fail "namespace stack tests" "the host kernel has no $fs (this suite needs it)"
		exit 0
	fi
done
mkdir -p "$M/d/live"
cp "$(dirname "$MEDIUM")/root.sfs" "$M/d/live/root.sfs"
ext4 "$M/d" "$M/media.ext4" NSLIVE 16 >/dev/null
attach -r "$M/media.ext4" && iso_dev=$LOOP || { fail "losetup of a test medium"; exit 0; }
ns_prepare
ns_liveroot basic "media=$iso_dev" timeout=5
o=$TWORK/basic.out
has "namespace: the stack comes up, init reports from the overlay root" "$o" \
	"^R:pid 1$" "^R:mountinfo .* / / .* - overlay overlay .*lowerdir=/run/liveroot/layer0" \
	"^R:mountinfo .* /run/liveroot/media .* - ext4 " "^R:release liveroot demo root$"
has "namespace: memory log stages" "$o" "^R:log mem start " "^R:log mem media " \
	"^R:log mem images " "^R:log mem mounted " "^R:log mem switched "
left=$(cd "$R" && find . -mindepth 1 | head -3)
[ -z "$left" ] && pass "namespace: rootfs wiped after the switch" || fail "namespace: rootfs wiped" "$left"

# the image on ext4: the loop device gets direct I/O
has "namespace: loop device with direct I/O on an ext4 backing file" "$TWORK/basic.out" \
	"^R:log mounted /run/liveroot/media/live/root.sfs \(squashfs, /dev/loop[0-9]+, direct I/O on\)" "^R:end"

# erofs: straight from the file where the kernel can (6.12+), loop otherwise
mkdir -p "$M/e/live"
erofs "$ROOT" "$M/e/live/root.erofs"
ext4 "$M/e" "$M/e.ext4" EROFS 16 >/dev/null
attach -r "$M/e.ext4" && e_dev=$LOOP
ns_prepare
ns_liveroot erofs "media=$e_dev" image=/live/root.erofs timeout=5
if { zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null; } |
	grep -q "^CONFIG_EROFS_FS_BACKED_BY_FILE=y"; then
	has "namespace: erofs mounted from its file, no loop device" "$TWORK/erofs.out" \
		"mounted /run/liveroot/media/live/root.erofs \(erofs, straight from the file" \
		"^R:mountinfo .* /run/liveroot/layer0 ro.* - erofs "
else
	has "namespace: erofs through a loop device" "$TWORK/erofs.out" \
		"^R:mountinfo .* /run/liveroot/layer0 ro.* - erofs /dev/loop"
fi

# toram + verify in one pass; the media is released
ns_prepare
sum=$(sha256sum <"$(dirname "$MEDIUM")/root.sfs" | cut -d' ' -f1)
[ ${#sum} = 64 ] || fail "sha256 of the test image" "got '$sum'"
ns_liveroot toram "media=$iso_dev" toram=yes "verify=sha256:$sum" timeout=5
has "namespace: toram + verify, media released" "$TWORK/toram.out" \
	"^R:log verified .*: sha256 $sum" "^R:log released the media" "^R:end"
hasnt "namespace: toram: no media mount left" "$TWORK/toram.out" "^R:mountinfo .* /run/liveroot/media "

# a corrupt image: refused before anything is mounted from it
mkdir -p "$M/c/live"
head -c 300000 /dev/urandom >"$M/c/live/root.sfs"
ext4 "$M/c" "$M/c.ext4" CORRUPT 16 >/dev/null
attach -r "$M/c.ext4" && c_dev=$LOOP
ns_prepare
ns_liveroot corrupt "media=$c_dev" timeout=5
has "namespace: a corrupt image is refused clearly, rescue shell" "$TWORK/corrupt.out" \
	"is neither squashfs nor erofs \(bad magic\)" "^RESCUE"
# a truncated image with a good magic: the mount fails, said clearly
mkdir -p "$M/t/live"
head -c 40000 "$(dirname "$MEDIUM")/root.sfs" >"$M/t/live/root.sfs"
ext4 "$M/t" "$M/t.ext4" TRUNC 16 >/dev/null
attach -r "$M/t.ext4" && t_dev=$LOOP
ns_prepare
ns_liveroot trunc "media=$t_dev" timeout=5
has "namespace: a truncated image fails to mount with a clear message" "$TWORK/trunc.out" \
	"mount squashfs .* damaged image\?" "^RESCUE"

# verity=: the checks made before device-mapper is asked (the host kernel
# may have no dm-verity; qemu/55-verity boots the real thing): an image with
# no hash tree behind it, and one whose tree covers less than the filesystem
vh=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns_prepare
ns_liveroot vnone "media=$iso_dev" "verity=$vh" timeout=5
has "namespace: verity= on an image without a hash tree: said, rescue shell" "$TWORK/vnone.out" \
	"root.sfs: no dm-verity superblock behind the filesystem \(not made with VERITY=1\?\)" "^RESCUE"
mkdir -p "$M/vs/live"
cp "$(dirname "$MEDIUM")/root.sfs" "$M/vs/live/root.sfs"
if vh=$("$TOP/scripts/mkverity" "$M/vs/live/root.sfs"); then
	# one data block fewer in veritysetup's superblock (data_blocks, at 72)
	voff=$(( ($(od -An -tu8 -j40 -N8 "$M/vs/live/root.sfs" | tr -d ' ') + 4095) / 4096 * 4096 ))
	python3 -c "import struct,sys; f=open(sys.argv[1],'r+b'); o=int(sys.argv[2])+72; f.seek(o); n=struct.unpack('<Q',f.read(8))[0]; f.seek(o); f.write(struct.pack('<Q',n-1))" \
		"$M/vs/live/root.sfs" "$voff"
	ext4 "$M/vs" "$M/vs.ext4" VSHORT 16 >/dev/null
	attach -r "$M/vs.ext4" && vs_dev=$LOOP
	ns_prepare
	ns_liveroot vshort "media=$vs_dev" "verity=$vh" timeout=5
	has "namespace: verity= with a tree that covers less than the filesystem: refused, rescue shell" \
		"$TWORK/vshort.out" "its data blocks are not the filesystem's \(a changed superblock\?\)" "^RESCUE"
else
	fail "mkverity on the demo image" "$vh"
fi

# a full tmpfs upper layer: writes fail with ENOSPC, the system stays up
ns_prepare
ns_liveroot full "media=$iso_dev" rw=tmpfs:1M timeout=5
has "namespace: rw=tmpfs:1M is honoured" "$TWORK/full.out" "^R:df tmpfs +1024 .* /run/liveroot/rw$"

# ip= on a media boot: the network is not needed, so none is not fatal (the
# interface named is not there: nothing of the host's network is touched)
ns_prepare
ns_liveroot ipalone "media=$iso_dev" ip=dhcp net.if=nosuch0 timeout=1
has "namespace: ip= without fetch=/nbd=: no network is said, the boot goes on" "$TWORK/ipalone.out" \
	"no network interface nosuch0 found" "^R:log ip=: no network; the boot goes on" "^R:end"
