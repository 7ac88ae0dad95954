# Sourced by every test file.  Each case ends in pass, fail or skip.
: "${RESULTS:?run the tests through testsuite/run}"
pass() { echo "PASS: $1"; echo "pass $1" >>"$RESULTS"; }
fail() { echo "FAIL: $1${2:+: $2}"; echo "fail $1" >>"$RESULTS"; }
skip() { echo "SKIP: $1${2:+: $2}"; echo "skip $1" >>"$RESULTS"; }

# check NAME COMMAND...: pass if COMMAND succeeds
check() {
	n=$1; shift
	if "$@" >"$TWORK/check.out" 2>&1; then pass "$n"
	else fail "$n" "$(tail -3 "$TWORK/check.out" | tr '\n' ' ')"; fi
}
# has NAME FILE PATTERN...: pass if FILE has a line matching each (grep -E)
has() {
	n=$1 f=$2; shift 2
	if [ ! -s "$f" ]; then fail "$n" "$f is missing or empty"; return; fi
	for p in "$@"; do
		if ! grep -qE -- "$p" "$f"; then fail "$n" "no line matching '$p' in $f"; return; fi
	done
	pass "$n"
}
# hasnt NAME FILE PATTERN: pass if FILE exists, is not empty, and no line
# matches (a missing or empty log proves nothing)
hasnt() {
	if [ ! -s "$2" ]; then fail "$1" "$2 is missing or empty"; return; fi
	grep -qE -- "$3" "$2"
	case $? in
	0) fail "$1" "unexpected: $(grep -E -m1 -- "$3" "$2")" ;;
	1) pass "$1" ;;
	*) fail "$1" "grep failed on $2" ;;
	esac
}
# report FILE KEY: the R: lines of a boot log with that key, key removed
report() { sed -n "s/^R:$2 //p" "$1"; }

# boot NAME [qemu-boot options]: boot the test kernel/initramfs, log in
# $TWORK/NAME.log; returns qemu-boot's status.  Without -e options, a
# rescue shell is answered with poweroff (a failed boot ends at once).
boot() {
	n=$1; shift
	case " $* " in
	*" -e "*) set -- "$@" ;;
	*) set -- "$@" -e "rescue shell (the initramfs is intact)=>poweroff -f" ;;
	esac
	rm -f "$TWORK/$n.log"   # never grade an earlier run's log
	"$T/lib/qemu-boot" -q -k "$VMLINUZ" -i "${BOOT_INITRD:-$INITRAMFS}" "$@" "$TWORK/$n.log"
}
# pe_unsign IN OUT: OUT is the PE image IN (a signed EFI kernel) with its
# Authenticode signature taken off: cut at the certificate table, its data
# directory entry zeroed.  False when IN has none.
pe_unsign() {
	_pe=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
	_d=$((_pe + 24 + 112 + 4 * 8))
	_off=$(od -An -tu4 -j$_d -N4 "$1" | tr -d ' ')
	[ "$_off" -gt 0 ] || return 1
	head -c "$_off" "$1" >"$2"
	printf '\0\0\0\0\0\0\0\0' | dd of="$2" bs=1 seek=$_d conv=notrunc status=none
}
