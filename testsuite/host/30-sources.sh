# Pinned sources: a wrong sha256 stops with the file, expected and actual
# hash; a local tarball with the right hash is accepted.
. "$T/lib/testlib.sh"
bbv=${BUSYBOX_VERSION:-1.38.0}
bad=$TWORK/busybox-bad.tar.bz2
echo "not busybox" >"$bad"
out=$(DL_DIR=$TWORK/dl BUSYBOX_TARBALL=$bad "$TOP/scripts/fetch-sources" 2>&1) && st=0 || st=$?
want=$(awk '$2 == "busybox_$bbv.orig.tar.bz2" {print $1}' "$TOP/sources.sha256")
have=$(sha256sum "$bad" | cut -d' ' -f1)
if [ $st -ne 0 ] && echo "$out" | grep -q "mismatch for $bad" &&
	echo "$out" | grep -q "expected: $want" && echo "$out" | grep -q "actual:   $have"; then
	pass "wrong sha256 stops with file, expected and actual hash"
else
	fail "wrong sha256 stops with file, expected and actual hash" "status $st: $out"
fi
dl=${DL_DIR:-$HOME/.cache/liveroot}
if [ -f "$dl/busybox_$bbv.orig.tar.bz2" ] && [ -f "$dl/uClibc-ng-1.0.35.tar.xz" ]; then
	mkdir -p "$TWORK/dl2"
	check "local tarballs (BUSYBOX_TARBALL, UCLIBC_TARBALL) accepted" env DL_DIR="$TWORK/dl2" \
		BUSYBOX_TARBALL="$dl/busybox_$bbv.orig.tar.bz2" \
		UCLIBC_TARBALL="$dl/uClibc-ng-1.0.35.tar.xz" "$TOP/scripts/fetch-sources"
	rm -rf "$TWORK/dl2"
else
	fail "local tarballs accepted" "no cached sources in $dl"
fi
rm -rf "$TWORK/dl"

# both BusyBox releases are pinned: 1.38.0 (the default) and 1.37.0
for v in 1.38.0 1.37.0; do
	grep -q "  busybox_$v.orig.tar.bz2$" "$TOP/sources.sha256" && pass "BusyBox $v is pinned" ||
		fail "BusyBox $v is pinned" "not in sources.sha256"
done
