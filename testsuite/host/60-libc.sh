# LIBC=musl and LIBC=glibc build too (for the size comparison).
. "$T/lib/testlib.sh"
for libc in musl glibc; do
	d=$TWORK/libc-$libc
	rm -rf "$d"
	if "$TOP/scripts/toolchain" "$libc" "$d/toolchain" >"$d.log" 2>&1 &&
		CC_WRAPPER_DIR="$d/toolchain" "$TOP/scripts/build-busybox" "$libc" "$d/bb" "$d/busybox" >>"$d.log" 2>&1; then
		if file -b "$d/busybox" | grep -q "statically linked" &&
			"$d/busybox" liveroot --help 2>&1 | grep -q "^Usage: liveroot"; then
			pass "LIBC=$libc builds a static busybox with liveroot ($(wc -c <"$d/busybox") bytes)"
		else
			fail "LIBC=$libc builds a static busybox with liveroot" "$(file -b "$d/busybox")"
		fi
	else
		fail "LIBC=$libc builds" "$(tail -3 "$d.log" | tr '\n' ' ')"
	fi
	rm -rf "$d"
done
