# Building test media from the demo root tree (out/demo/root).
ROOT=${ROOT:-$TOP/out/demo/root}
M=$TWORK/media
mkdir -p "$M"

sfs() { mksquashfs "$1" "$2" -noappend -quiet -no-progress -comp xz -all-root >/dev/null; }
erofs() { mkfs.erofs --quiet -zlz4hc --all-root "$2" "$1" >/dev/null; }
iso() { # DIR OUT LABEL
	xorriso -as mkisofs -quiet -V "$3" -R -o "$2" "$1" 2>/dev/null; }
vfat() { # DIR OUT LABEL VOLID MiB
	rm -f "$2"
	mkfs.vfat -n "$3" -i "$4" -C "$2" $(($5 * 1024)) >/dev/null &&
	MTOOLS_SKIP_CHECK=1 mcopy -s -i "$2" "$1"/* ::/; }
ext4() { # DIR OUT LABEL MiB [UUID]
	rm -f "$2"
	mkfs.ext4 -q -F -L "$3" ${5:+-U "$5"} -d "$1" "$2" "$4M"; }
# fusefs exfat|ntfs DIR OUT LABEL MiB: DIR's files on a new exFAT/NTFS
# filesystem, copied through FUSE (exfat-fuse, ntfs-3g: the host kernel
# needs neither driver)
fusefs() {
	rm -f "$3" && truncate -s "$5M" "$3" || return 1
	case $1 in
	exfat) mkfs.exfat -L "$4" "$3" >/dev/null 2>&1 ;;
	ntfs) mkntfs -q -F -f -L "$4" "$3" >/dev/null 2>&1 ;;
	esac || return 1
	mkdir -p "$3.mnt"
	_l=$(losetup -f --show "$3") || return 1
	blockdev --setrw "$_l"
	case $1 in
	exfat) mount.exfat-fuse -o rw "$_l" "$3.mnt" >/dev/null 2>&1 ;;
	ntfs) ntfs-3g "$_l" "$3.mnt" ;;
	esac || { losetup -d "$_l"; return 1; }
	cp -r "$2/." "$3.mnt/" && sync
	_r=$?
	umount "$3.mnt" && losetup -d "$_l" && rmdir "$3.mnt" && return $_r
}
# disk OUT TABLE-SCRIPT FSIMG: a partitioned disk, FSIMG as partition 1 at 1 MiB
disk() {
	fs_mib=$(( $(wc -c <"$3") / 1048576 + 1 ))
	rm -f "$1"
	truncate -s $((fs_mib + 2))M "$1"
	printf '%s\n' "$2" | sfdisk -q "$1" >/dev/null
	dd if="$3" of="$1" bs=1M seek=1 conv=notrunc status=none
}
# extra_initramfs NAME MODULES: $M/initramfs-NAME.img, the default modules
# plus MODULES (callers check its status: a failed build must not boot an
# old image)
extra_initramfs() {
	# (newer than the busybox too: make mutate boots one busybox after another)
	[ "$M/initramfs-$1.img" -nt "$INITRAMFS" ] && [ "$M/initramfs-$1.img" -nt "$BUSYBOX" ] && return 0
	rm -f "$M/initramfs-$1.img"
	BUSYBOX=$BUSYBOX KERNEL_DIR=$KERNEL_DIR MODULES="$MODULES $2" OUT=$M/initramfs-$1.img \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >/dev/null 2>"$M/initramfs-$1.err" ||
		{ cat "$M/initramfs-$1.err" >&2; rm -f "$M/initramfs-$1.img"; return 1; }
}
# with ext4 (persistent layer, ISO file on ext4)
ext4_initramfs() { extra_initramfs ext4 ext4; }
# with ext4 and exfat (persistence files on FAT/exFAT sticks)
persist_initramfs() { extra_initramfs persist "ext4 exfat"; }
# up NAME: the boot reached the root's init on an overlay root
up() {
	grep -q '^R:end' "$TWORK/$1.log" && grep -qE '^R:mountinfo .* / / .* - overlay ' "$TWORK/$1.log"
}
# verity_image OUT: the demo root plus /verity/blob (256 KiB of random bytes,
# also in OUT.blob) as squashfs with a dm-verity hash tree behind it
# (scripts/mkverity); its root hash in OUT.hash, the tree's offset in
# OUT.off, the blob's offset in the image in OUT.bloboff
verity_image() {
	rm -rf "$1.root" && mkdir -p "$1.root" && cp -a "$ROOT/." "$1.root/" && mkdir -p "$1.root/verity" &&
	head -c 262144 /dev/urandom >"$1.blob" && cp "$1.blob" "$1.root/verity/blob" &&
	sfs "$1.root" "$1" && rm -rf "$1.root" &&
	"$TOP/scripts/mkverity" "$1" >"$1.hash" || return 1
	echo $(( ($(od -An -tu8 -j40 -N8 "$1" | tr -d ' ') + 4095) / 4096 * 4096 )) >"$1.off"
	python3 -c "import sys; print(open(sys.argv[1],'rb').read().find(open(sys.argv[2],'rb').read(64)))" \
		"$1" "$1.blob" >"$1.bloboff"
	[ "$(cat "$1.bloboff")" -gt 0 ]
}
# flip_byte FILE OFFSET: one byte of FILE changed (plus one)
flip_byte() {
	_b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $(( (_b + 1) % 256 )))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
