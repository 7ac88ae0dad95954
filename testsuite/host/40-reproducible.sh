# Two clean builds give byte-identical busybox and initramfs.
. "$T/lib/testlib.sh"
r=$TWORK/repro
rm -rf "$r"
mkdir -p "$r"
libc=${LIBC:-uclibc}
if "$TOP/scripts/build-busybox" "$libc" "$r/bb" "$r/busybox" >"$r/build.log" 2>&1; then
	cmp -s "$r/busybox" "$BUSYBOX" && pass "busybox: a clean rebuild is byte-identical" ||
		fail "busybox: a clean rebuild is byte-identical" "$(sha256sum "$r/busybox" "$BUSYBOX")"
	BUSYBOX=$r/busybox KERNEL_DIR=$KERNEL_DIR MODULES=$MODULES OUT=$r/initramfs.img \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >>"$r/build.log" 2>&1
	a=$(sha256sum <"$r/initramfs.img") b=$(sha256sum <"$INITRAMFS")
	[ "$a" = "$b" ] && pass "initramfs: a clean rebuild has the same sha256" ||
		fail "initramfs: a clean rebuild has the same sha256" "$a vs $b"
else
	fail "clean rebuild" "$(tail -5 "$r/build.log")"
fi
rm -rf "$r"
