# The BR2_EXTERNAL tree against buildroot's own code, for both releases in
# the lead's shared material (LTS with BusyBox 1.37.0, current with 1.38.0):
# the real check-package, the example defconfig, then buildroot's own
# busybox-patch, busybox-configure and (the newest release) build of busybox
# and liveroot with an external toolchain that needs no download
# (scripts/check-buildroot; make check-buildroot builds both).
. "$T/lib/testlib.sh"
# the generated part of the tree is what the project makes now (no buildroot
# needed for this one)
"$TOP/scripts/mkbrexternal" --check >"$TWORK/mkbrexternal.out" 2>&1 &&
	pass "buildroot/: the generated patches and skel are current (mkbrexternal --check)" ||
	fail "buildroot/: the generated patches and skel are current" "$(cat "$TWORK/mkbrexternal.out")"
rel=
for d in "${BR_RELEASES:-}" "$TOP/../shared/buildroot" /work/shared/buildroot; do
	[ -n "$d" ] && ls "$d"/buildroot-*.tar.* >/dev/null 2>&1 && { rel=$d; break; }
done
if [ -z "$rel" ]; then
	# the releases are the lead's shared material, not part of the project
	skip "buildroot releases to test against" "none in \$BR_RELEASES, ../shared/buildroot or /work/shared/buildroot"
	exit 0
fi
if [ -f "$rel/SHA256SUMS" ]; then
	(cd "$rel" && sha256sum -c --quiet SHA256SUMS) >"$TWORK/br-sums.out" 2>&1 &&
		pass "buildroot releases match their SHA256SUMS" ||
		fail "buildroot releases match their SHA256SUMS" "$(head -2 "$TWORK/br-sums.out")"
fi
# (the newest release is built too; the others up to buildroot's configure
# step of BusyBox: host/60 builds their BusyBox release; make check-buildroot
# builds every release)
newest=$(ls "$rel"/buildroot-*.tar.* | sort -V | tail -1)
for tb in "$rel"/buildroot-*.tar.*; do
	v=$(basename "$tb" | sed 's/^buildroot-\(.*\)\.tar\..*/\1/')
	out=$TWORK/check-buildroot-$v.out
	steps="check-package current self-contained defconfig patch configure build run" upto=
	[ "$tb" = "$newest" ] || { steps=${steps% build run} upto=configure; }
	BR_UPTO=$upto "$TOP/scripts/check-buildroot" "$tb" "$TWORK/br-$v" >"$out" 2>&1
	for step in $steps; do
		l=$(grep -E "^(ok|FAIL) $step( |:|$)" "$out" | head -1)
		case $l in
		"ok "*) pass "buildroot $v: ${l#ok }" ;;
		*) fail "buildroot $v: $step" "${l:-$(tail -3 "$out" | tr '\n' ' ')}" ;;
		esac
	done
	# the build tree is big: keep only the logs
	rm -rf "$TWORK/br-$v/out" "$TWORK/br-$v/out-example" "$TWORK/br-$v"/buildroot-*
done
