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

# the other BusyBox release: 1.37.0 (buildroot's LTS ships it) still builds,
# with its own patch set where 1.38.0's differs
other=1.37.0; [ "${BUSYBOX_VERSION:-1.38.0}" = 1.37.0 ] && other=1.38.0
d=$TWORK/bb-$other
rm -rf "$d"
if DL_DIR=${DL_DIR:-$HOME/.cache/liveroot} BUSYBOX_VERSION=$other "$TOP/scripts/fetch-sources" >"$d.log" 2>&1 &&
	BUSYBOX_VERSION=$other "$TOP/scripts/build-busybox" "${LIBC:-uclibc}" "$d/tree" "$d/busybox" >>"$d.log" 2>&1; then
	ln -sf busybox "$d/sh"
	v=$("$d/busybox" 2>&1 | head -1)
	case $v in
	"BusyBox v$other "*) "$d/busybox" liveroot --help 2>&1 | grep -q "^Usage: liveroot" &&
		pass "BUSYBOX_VERSION=$other builds, with the applet" ||
		fail "BUSYBOX_VERSION=$other builds, with the applet" "no liveroot in it" ;;
	*) fail "BUSYBOX_VERSION=$other builds" "it says: $v" ;;
	esac
else
	fail "BUSYBOX_VERSION=$other builds" "$(tail -3 "$d.log" | tr '\n' ' ')"
fi
rm -rf "$d"
