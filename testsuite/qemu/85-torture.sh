# Power cuts (the short version of `make torture`): qemu killed at random
# moments while the guest writes and fsyncs files onto its persistent layer;
# every file reported synced must come back intact, the layer must mount
# after each cut, nothing else on the stick may change.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
persist_initramfs || { fail "building the initramfs with ext4 and exfat" "see above"; exit 0; }
for c in vfat-file:1 ext4-dir:1; do
	l=${c%%:*} n=${c#*:}
	if INITRD=$M/initramfs-persist.img "$T/lib/torture" "$l" "$n" >"$TWORK/torture-$l.out" 2>&1; then
		pass "$(tail -1 "$TWORK/torture-$l.out")"
	else
		fail "torture $l: $n power cuts" "$(grep -E 'LOST|torture' "$TWORK/torture-$l.out" | tail -4 | tr '\n' ' ')"
	fi
done
