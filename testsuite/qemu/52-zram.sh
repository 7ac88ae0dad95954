# liveroot.zram=SIZE: swap in compressed RAM, set up before the source is
# looked for, still the swap of the booted system; without the module
# group, or with a size the RAM can't back, the boot goes on without it
# and says why.  (The Debian systemd root in less RAM: bench/floors.)
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
extra_initramfs zram zram || { fail "initramfs with EXTRA_MODULES=zram"; exit 0; }
ZI=$M/initramfs-zram.img

BOOT_INITRD=$ZI boot zram -c "$MEDIUM" -m 128 -a "liveroot.label=LIVEROOT liveroot.zram=48M" &
BOOT_INITRD=$ZI boot zram-big -c "$MEDIUM" -m 128 -a "liveroot.label=LIVEROOT liveroot.zram=1G" &
wait
L=$TWORK/zram.log
if up zram; then
	# (48 MiB: 12288 pages, the first the header: 49148 KiB of swap)
	has "zram=48M: /dev/zram0 is the booted system's swap, 48 MiB, priority 100" "$L" \
		"^R:log swap on zram: /dev/zram0, 48 MiB before compression \(lzo-rle\), priority 100" \
		"^R:swap /dev/zram0[[:space:]]+partition[[:space:]]+49148[[:space:]]+[0-9]+[[:space:]]+100$"
else
	fail "zram=48M boots" "$(grep -E 'liveroot:' "$L" | tail -3 | tr '\n' ' ')"
fi
L=$TWORK/zram-big.log
if up zram-big; then
	has "zram=1G with 128 MB of RAM: refused with the reason, the boot goes on" "$L" \
		"liveroot: zram=1G: use a size \(64M, 1G\) or 1-100% of RAM, from 4M up to 4 times the RAM" \
		"^R:log warning: no swap on zram \(see above\): the system runs without it"
	hasnt "... and there is no swap" "$L" "^R:swap /dev/"
else
	fail "zram=1G boots without swap" "$(grep -E 'liveroot:' "$L" | tail -3 | tr '\n' ' ')"
fi

boot zram-none -c "$MEDIUM" -m 128 -a "liveroot.label=LIVEROOT liveroot.zram=48M" || true
L=$TWORK/zram-none.log
if up zram-none; then
	has "zram= without the zram module group: said, the boot goes on without swap" "$L" \
		"zram: /sys/block/zram0/disksize \(is the zram group in the initramfs\?\)" \
		"^R:log warning: no swap on zram"
	hasnt "... and there is no swap" "$L" "^R:swap /dev/"
else
	fail "zram= without the module boots" "$(grep -E 'liveroot:' "$L" | tail -3 | tr '\n' ' ')"
fi
