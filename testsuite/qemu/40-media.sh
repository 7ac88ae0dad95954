# Every way of finding the media and stacking the root, on Debian's kernel.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
base=$M/base.sfs
sfs "$ROOT" "$base"
mkdir -p "$M/live/live"
cp "$base" "$M/live/live/root.sfs"

# --- virtio disk (vfat, no partition table) found by UUID -----------------
vfat "$M/live" "$M/vd.img" VDISK 1234ABCD 16
boot uuid -d "$M/vd.img" -t 150 -a "liveroot.media=UUID=1234-ABCD" || true
up uuid && has "virtio disk found by UUID" "$TWORK/uuid.log" \
	"^R:mountinfo .* /run/liveroot/media .* - vfat /dev/vda " "^R:log found UUID=1234-ABCD on /dev/vda" ||
	fail "virtio disk found by UUID" "$(grep -E 'liveroot:|R:end' "$TWORK/uuid.log" | tail -3 | tr '\n' ' ')"

# --- USB stick (xhci + usb-storage: appears only after the USB bus is up) --
vfat "$M/live" "$M/usb.img" USBLIVE 0000BEEF 16
# (an initramfs with this BUSYBOX: make mutate boots one after another)
extra_initramfs usb "" || fail "building the initramfs" "see the messages above"
BOOT_INITRD=$M/initramfs-usb.img boot usb -u "$M/usb.img" -t 150 \
	-a "liveroot.label=USBLIVE liveroot.timeout=30 liveroot.debug usb-storage.delay_use=0 lrtest.cat=/sys/module/usb_storage/parameters/delay_use" || true
up usb && has "USB stick found by label once it appears" "$TWORK/usb.log" \
	"^R:mountinfo .* /run/liveroot/media .* - vfat /dev/sd[a-z] " "^R:log found LABEL=USBLIVE on /dev/sd" ||
	fail "USB stick found by label" "$(grep -E 'liveroot:' "$TWORK/usb.log" | tail -3 | tr '\n' ' ')"
# the disk driver comes with usb-storage's run (the disk shows up a second
# later), not only once the kernel asks for it; the first run brings the
# CD driver and ISO 9660 along, after the hardware's drivers; the stack's
# modules load beside them, at the lowest priority
up usb && has "sd_mod loads with usb-storage, before its disk shows up" "$TWORK/usb.log" \
	"^liveroot: debug: \[[0-9.]*\] modprobe: usb:v[0-9A-F]*p[0-9A-F]*d[0-9A-F]*dc00dsc00dp00ic08isc06ip50in00 sd_mod$" \
	"^liveroot: debug: \[[0-9.]*\] modprobe: .*pci:.* sr_mod isofs$" \
	"^liveroot: debug: \[[0-9.]*\] modprobe \\(not waited for, pid [0-9]*, lowest priority\\): loop squashfs overlay$" ||
	fail "sd_mod with usb-storage" "$(grep 'modprobe' "$TWORK/usb.log" | tr '\n' ' ')"
# a module's options on the kernel's command line, its name with '-' as
# people write it (modules.dep says usb_storage)
up usb && has "usb-storage.delay_use=0 on the command line reaches usb_storage" "$TWORK/usb.log" \
	"^R:cat /sys/module/usb_storage/parameters/delay_use 0$" ||
	fail "usb-storage.delay_use=0" "$(grep '^R:cat' "$TWORK/usb.log" | tr '\n' ' ')"

# --- ISO file on an ext4 partition (GPT), found by PARTUUID and PARTLABEL --
ext4_initramfs || fail "building the initramfs with ext4" "see the messages above"
mkdir -p "$M/ext/boot"
cp "$MEDIUM" "$M/ext/boot/live.iso"
ext4 "$M/ext" "$M/ext.fs" DATA 32
disk "$M/gpt.img" "label: gpt
start=2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6B1F4A3C-2D5E-4F60-9A7B-8C9D0E1F2A3B, name=LIVEDATA" "$M/ext.fs"
BOOT_INITRD=$M/initramfs-ext4.img boot partuuid -d "$M/gpt.img" -t 150 \
	-a "liveroot.media=PARTUUID=6b1f4a3c-2d5e-4f60-9a7b-8c9d0e1f2a3b liveroot.iso=/boot/live.iso" || true
up partuuid && has "ISO file on an ext4 partition, by GPT PARTUUID" "$TWORK/partuuid.log" \
	"^R:mountinfo .* /run/liveroot/media .* - ext4 /dev/vda1 " \
	"^R:mountinfo .* /run/liveroot/iso .* - iso9660 /dev/loop0 " \
	"^R:mountinfo .* /run/liveroot/layer0 .* - squashfs /dev/loop1 " ||
	fail "ISO file on an ext4 partition, by GPT PARTUUID" "$(grep -E 'liveroot:' "$TWORK/partuuid.log" | tail -3 | tr '\n' ' ')"
BOOT_INITRD=$M/initramfs-ext4.img boot partlabel -d "$M/gpt.img" -t 150 \
	-a "liveroot.media=PARTLABEL=LIVEDATA liveroot.iso=/boot/live.iso" || true
up partlabel && pass "found by GPT PARTLABEL" ||
	fail "found by GPT PARTLABEL" "$(grep -E 'liveroot:' "$TWORK/partlabel.log" | tail -3 | tr '\n' ' ')"
disk "$M/mbr.img" "label: dos
label-id: 0x5eed1e55
start=2048, type=83" "$M/ext.fs"
BOOT_INITRD=$M/initramfs-ext4.img boot mbr -d "$M/mbr.img" -t 150 \
	-a "liveroot.media=PARTUUID=5eed1e55-01 liveroot.iso=/boot/live.iso" || true
up mbr && pass "found by MBR PARTUUID (disk signature-partition)" ||
	fail "found by MBR PARTUUID" "$(grep -E 'liveroot:' "$TWORK/mbr.log" | tail -3 | tr '\n' ' ')"

# --- media=auto: the first device holding the image -----------------------
vfat "$M/ext" "$M/other.img" OTHER 00001111 8 2>/dev/null || vfat "$M/live/live" "$M/other.img" OTHER 00001111 8
boot auto -d "$M/other.img" -d "$M/vd.img" -t 150 -a "liveroot.media=auto" || true
up auto && has "media=auto skips a disk without the image" "$TWORK/auto.log" \
	"^R:mountinfo .* /run/liveroot/media .* - vfat /dev/vdb " ||
	fail "media=auto" "$(grep -E 'liveroot:' "$TWORK/auto.log" | tail -3 | tr '\n' ' ')"

# --- erofs image ------------------------------------------------------------
mkdir -p "$M/er/live"
erofs "$ROOT" "$M/er/live/root.erofs"
iso "$M/er" "$M/erofs.iso" EROFSLIVE
boot erofs -c "$M/erofs.iso" -t 150 -a "liveroot.label=EROFSLIVE liveroot.image=/live/root.erofs" || true
up erofs && has "erofs image (found by magic)" "$TWORK/erofs.log" \
	"^R:mountinfo .* /run/liveroot/layer0 ro.* - erofs " "^R:release liveroot demo root$" ||
	fail "erofs image" "$(grep -E 'liveroot:' "$TWORK/erofs.log" | tail -3 | tr '\n' ' ')"

# --- two stacked images: the upper one shadows the lower ---------------------
mkdir -p "$M/top/etc" "$M/st/live"
echo "top layer" >"$M/top/etc/liveroot-demo-release"
echo "only in the top layer" >"$M/top/etc/top-only"
cp "$base" "$M/st/live/base.sfs"
sfs "$M/top" "$M/st/live/top.sfs"
iso "$M/st" "$M/stack.iso" STACKLIVE
boot stack -c "$M/stack.iso" -t 150 \
	-a "liveroot.label=STACKLIVE liveroot.image=/live/base.sfs,/live/top.sfs lrtest.cat=/etc/top-only" || true
up stack && has "two stacked images: the upper shadows the lower" "$TWORK/stack.log" \
	"^R:release top layer$" "^R:cat /etc/top-only only in the top layer$" \
	"lowerdir=/run/liveroot/layer1:/run/liveroot/layer0," ||
	fail "two stacked images" "$(grep -E 'liveroot:' "$TWORK/stack.log" | tail -3 | tr '\n' ' ')"
