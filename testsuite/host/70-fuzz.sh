# The parsers of outside input, fuzzed for a few seconds each (libFuzzer
# with AddressSanitizer and UBSan): the short version of `make fuzz`.
. "$T/lib/testlib.sh"
secs=${CHECK_FUZZ_SECONDS:-3}
BB_TREE=${BB_TREE:-$TOP/build/busybox-${LIBC:-uclibc}} FUZZ_SECONDS=$secs OUT=$TWORK/fuzz \
	"$TOP/testsuite/fuzz/run" >"$TWORK/fuzz.out" 2>&1
for t in options sha256 mountinfo elf extent net verity; do
	l=$(grep "^fuzz $t:" "$TWORK/fuzz.out")
	case $l in
	"fuzz $t: "[1-9]*" execs, 0 findings"*) pass "fuzz $t: ${l#fuzz $t: }" ;;
	*) fail "fuzz $t ($secs s): no finding" "${l:-$(tail -3 "$TWORK/fuzz.out" | tr '\n' ' ')}" ;;
	esac
done
