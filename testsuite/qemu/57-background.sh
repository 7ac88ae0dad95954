# toram=background: the system boots from the media at once, over a linear
# device-mapper device; a copier copies the image into RAM while the system
# runs, then points the device at the copy and releases the media.  A
# slow CD (qemu throttles it) makes the copy take a while; a reader in the
# booted system hashes a file again and again (caches dropped) across the
# swap and must never see an error or other bytes.  A media read error in
# the middle of the copy (qemu's blkdebug) and too little RAM leave the
# system running from the media, said in the log.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
[ -x /bin/busybox ] || { skip "toram=background" "needs Debian's busybox-static (/bin/busybox) in the guest"; exit 0; }
if ! extra_initramfs dm dm; then
	fail "initramfs with EXTRA_MODULES=dm"; exit 0
fi
BI=$M/initramfs-dm.img
# ROOT + a full BusyBox (sha256sum) + /bg/blob (read by the test) + /bg/pad
# (PAD MiB, never read by the system: the copier's read error goes there)
bgmedia() { # NAME PAD_MIB
	rm -rf "$M/bgr" "$M/bgm" && mkdir -p "$M/bgr" "$M/bgm/live" && cp -a "$ROOT/." "$M/bgr/" &&
	cp /bin/busybox "$M/bgr/bin/busybox-full" && mkdir -p "$M/bgr/bg" &&
	head -c 4194304 /dev/urandom >"$M/bgr/bg/blob" && head -c $(($2 << 20)) /dev/urandom >"$M/bgr/bg/pad" &&
	mksquashfs "$M/bgr" "$M/bgm/live/root.sfs" -noappend -quiet -no-progress -all-root -noD >/dev/null && iso "$M/bgm" "$M/$1.iso" BGLIVE || return 1
	sha256sum "$M/bgr/bg/blob" | cut -d' ' -f1 >"$M/$1.sum"
	# the pad's middle, in 512-byte sectors of the ISO
	python3 -c "import sys; d=open(sys.argv[1],'rb').read(); p=open(sys.argv[2],'rb').read(); \
o=d.find(p[len(p)//2:len(p)//2+4096]); print(o//512 if o>0 else -1)" "$M/$1.iso" "$M/bgr/bg/pad" >"$M/$1.sector"
	rm -rf "$M/bgm" "$M/bgr/bg/pad"
	[ "$(cat "$M/$1.sector")" -gt 0 ]
}
bgmedia bg 24 || { fail "a medium with a 28 MiB root image"; exit 0; }
sum=$(cat "$M/bg.sum")
# the same medium, a read error in the pad's middle
cat >"$M/eio.conf" <<EOF
[inject-error]
event = "read_aio"
errno = "5"
sector = "$(cat "$M/bg.sector")"
EOF
A="liveroot.label=BGLIVE liveroot.toram=background lrtest.watch=/bg/blob:$sum"
BOOT_INITRD=$BI boot clean -c "$M/bg.iso" -T 3000000 -m 192 -t 240 \
	-a "$A liveroot.eject liveroot.shutdown=yes lrtest.shutdown=poweroff" >/dev/null 2>&1 &
# (no shutdown stage: the copier runs from a copy of its own)
BOOT_INITRD=$BI boot eio -c "blkdebug:$M/eio.conf:$M/bg.iso" -T 3000000 -m 192 -t 240 -a "$A liveroot.shutdown=no" \
	>/dev/null 2>&1 &
wait

L=$TWORK/clean.log
if up clean; then
	has "toram=background: the root boots over a linear device on the media's loop device" "$L" \
		"^R:log toram=background: /dev/dm-0 \(liveroot-bg0\) over /dev/loop[0-9]+: the media is read" \
		"^R:mountinfo .* /run/liveroot/layer0 ro,.* - squashfs /dev/dm-0 " \
		"^R:mountinfo .* /run/liveroot/media ro,.* - iso9660 /dev/sr0 "
	w=$(report "$L" watch)
	set -- $w
	if [ "${2:-x}" = 0 ] && [ "${1:-0}" -gt 0 ] && [ "${3:-0}" -gt 0 ] && [ "${4:-0}" -gt 0 ]; then
		pass "a reader hashing a file (caches dropped) across the swap: $1 right, 0 wrong, $3 before and $4 after the media was released"
	else
		fail "a reader across the swap: every read right, some before and some after" "R:watch $w; $(grep -a 'R:watch-bad' "$L" | head -2 | tr '\n' ' ')"
	fi
	has "... the copier copied it into RAM, moved the device onto the copy and released the media" "$L" \
		"^R:bglog toram=background: copying 1 image\(s\) to /run/liveroot/ram while the system runs" \
		"^R:bglog toram=background: liveroot-bg0 now reads /run/liveroot/ram/0-root.sfs \(/dev/loop[0-9]+\)" \
		"^R:bglog toram=background: released the media /dev/sr0: it can be removed now" \
		"^liveroot: ejected /dev/sr0" \
		"^R:loop loop[0-9]+ /run/liveroot/ram/0-root.sfs" "^R:dm dm-0 liveroot-bg0 loop[0-9]+$"
	hasnt "... and nothing reads the media any more" "$L" "^R:mounted .* /run/liveroot/media " \
		"^R:loop .* /dev/sr0"
	has "... and on the way down the linear device goes" "$L" \
		"^liveroot: removed device-mapper liveroot-bg0" "^liveroot: nothing is left mounted read-write: poweroff now"
else
	fail "toram=background boots" "$(grep -aE 'liveroot:' "$L" | tail -4 | tr '\n' ' ')"
fi

L=$TWORK/eio.log
if up eio; then
	has "a media read error in the middle of the copy (the copier started from its own copy: no shutdown stage): it stops, the copy goes" "$L" \
		"^R:bglog toram=background: copying 1 image" \
		"^R:bglog toram=background: read error on root.sfs after [0-9]+ MiB \(the media removed or damaged\?\): Input/output error" \
		"^R:bglog toram=background: stopped; the system keeps running from the media, which must stay in"
	w=$(report "$L" watch)
	set -- $w
	[ "${2:-x}" = 0 ] && [ "${1:-0}" -gt 0 ] && [ "${4:-0}" -gt 0 ] &&
		pass "... the system keeps reading the right bytes from the media ($1 reads)" ||
		fail "... the system keeps reading from the media" "R:watch $w"
	has "... which stays mounted under the linear device" "$L" "^R:mounted /dev/sr0 /run/liveroot/media iso9660 " \
		"^R:loop loop0 /dev/sr0" "^R:dm dm-0 liveroot-bg0 loop0$"
	hasnt "... and neither the copy nor its tmpfs is left" "$L" "^R:mounted .* /run/liveroot/ram " \
		"^R:loop .* /run/liveroot/ram/" "released the media"
else
	fail "toram=background with a failing medium boots" "$(grep -aE 'liveroot:' "$L" | tail -4 | tr '\n' ' ')"
fi

# too little RAM for the copy: said, and the system runs from the media
bgmedia big 120 || { fail "a medium with a 124 MiB root image"; exit 0; }
BOOT_INITRD=$BI boot short -c "$M/big.iso" -m 128 -t 240 \
	-a "liveroot.label=BGLIVE liveroot.toram=background lrtest.watch=/bg/blob:$(cat "$M/big.sum")" >/dev/null 2>&1 &
# the system goes down while the copier is at work: the shutdown stage
# stops it, then unmounts everything
BOOT_INITRD=$BI boot down -c "$M/bg.iso" -T 3000000 -m 192 -t 240 \
	-a "liveroot.label=BGLIVE liveroot.toram=background liveroot.shutdown=yes lrtest.shutdown=poweroff" \
	>/dev/null 2>&1 &
# a stick whose second partition holds the persistent layer: the media's
# partition is released, the stick is not said to be removable
if extra_initramfs dmext4 "dm ext4"; then
	rm -rf "$M/st" && mkdir -p "$M/st/live" "$M/stp/rw" &&
	mksquashfs "$M/bgr" "$M/st/live/root.sfs" -noappend -quiet -no-progress -all-root -noD >/dev/null 2>&1
	rm -rf "$M/bgr"
	vfat "$M/st" "$M/st1.img" BGSTICK 1234ABCD 40 && ext4 "$M/stp" "$M/st2.img" BGPERSIST 16 >/dev/null &&
	rm -f "$M/stick.img" && truncate -s 60M "$M/stick.img" &&
	printf 'start=1MiB,size=40MiB,type=c\nstart=41MiB,size=16MiB,type=83\n' | sfdisk -q "$M/stick.img" >/dev/null &&
	dd if="$M/st1.img" of="$M/stick.img" bs=1M seek=1 conv=notrunc status=none &&
	dd if="$M/st2.img" of="$M/stick.img" bs=1M seek=41 conv=notrunc status=none
	rm -rf "$M/st" "$M/stp" "$M/st1.img" "$M/st2.img"
	BOOT_INITRD=$M/initramfs-dmext4.img boot stick -u "$M/stick.img" -m 192 -t 240 \
		-a "liveroot.label=BGSTICK liveroot.toram=background liveroot.rw=LABEL=BGPERSIST:/rw liveroot.eject \
lrtest.watch=/bg/blob:$(cat "$M/big.sum")" >/dev/null 2>&1
else
	fail "initramfs with EXTRA_MODULES='dm ext4'"
fi
wait
L=$TWORK/short.log
if up short; then
	has "too little RAM for the copy: said, and the system runs from the media" "$L" \
		"^R:log toram=background: not enough RAM to copy 12[0-9] MiB \(MemAvailable [0-9]+ MiB, [0-9]+ MiB must stay free\): the system runs from the media, which must stay in" \
		"^R:mounted /dev/sr0 /run/liveroot/media iso9660 " "^R:dm dm-0 liveroot-bg0 loop[0-9]+$"
	hasnt "... no copier and no tmpfs for it" "$L" "^R:mounted .* /run/liveroot/ram " "copying 1 image"
else
	fail "toram=background with too little RAM boots" "$(grep -aE 'liveroot:' "$L" | tail -4 | tr '\n' ' ')"
fi
L=$TWORK/stick.log
if up stick; then
	has "a stick with the persistent layer on its second partition: the media's partition is released, but the stick is not said to be removable" "$L" \
		"^R:bglog toram=background: liveroot-bg0 now reads /run/liveroot/ram/0-root.sfs" \
		"^R:bglog toram=background: released the media /dev/sda1, but its disk is still in use \(sda2 is mounted on /run/liveroot/persist\): leave it in"
	hasnt "... and nothing says it can be removed, nothing is ejected" "$L" "it can be removed now" "ejected"
else
	fail "toram=background from a stick with a persistent partition boots" "$(grep -aE 'liveroot:' "$L" | tail -4 | tr '\n' ' ')"
fi
L=$TWORK/down.log
if up down; then
	has "going down while the copier copies: the shutdown stage stops it, then unmounts the stack and the media" "$L" \
		"^liveroot: stopped toram=background's copier \(pid [0-9]+\) before it was done" \
		"^liveroot: removed device-mapper liveroot-bg0" "^liveroot: unmounted /.liveroot/media \(/dev/sr0\)" \
		"^liveroot: nothing is left mounted read-write: poweroff now"
	hasnt "... and the copy never took over" "$L" "now reads /run/liveroot/ram"
else
	fail "toram=background, going down at once, boots" "$(grep -aE 'liveroot:' "$L" | tail -4 | tr '\n' ' ')"
fi
rm -rf "$M/bg.iso" "$M/big.iso" "$M/stick.img" "$M/bgr"
