# The build does what its variables say: a changed variable rebuilds what it
# affects, shared downloads are never touched, the fetched kernel tree is
# named after its release, COMPRESS=auto says what it chose and why, and
# `make help` lists every target and variable.  (Run after a build.)
. "$T/lib/testlib.sh"
cd "$TOP" || exit 1
DL_DIR=${DL_DIR:-$HOME/.cache/liveroot}
# our own make runs: not those of a make check VAR=... above us
unset MAKEFLAGS MAKEOVERRIDES MFLAGS MAKELEVEL
# (make check hands the tests MODULES with EXTRA_MODULES in it: not for make)
unset MODULES
mk() { make --no-print-directory "$@" >"$TWORK/mk.out" 2>&1; }
# stale TARGET [VAR=VALUE...]: would make rebuild TARGET because of the
# variables it was built with (its build/config/*.vars is newer)?
# (make -n: -q can't tell, the order-only deps are phony)
stale() {
	t=$1; shift
	make --no-print-directory -n --debug=v "$t" "$@" >"$TWORK/mk.out" 2>&1
	case $t in
	out/initramfs.img) grep -q "Prerequisite 'build/config/initramfs.vars' is newer than target '$t'" "$TWORK/mk.out" ;;
	out/busybox) grep -q "Prerequisite 'build/config/busybox.vars' is newer than target '$t'" "$TWORK/mk.out" ;;
	*/stamp) grep -q "Must remake target '$t'" "$TWORK/mk.out" ;;
	esac
}

# --- a changed variable rebuilds ------------------------------------------------
if stale out/initramfs.img; then
	fail "the initramfs is up to date after the build" "$(tail -2 "$TWORK/mk.out")"
else
	pass "the initramfs is up to date after the build"
fi
for v in COMPRESS=gzip MODULE_COMPRESS=none SOURCE_DATE_EPOCH=1 KERNEL_VERSION=6.1.0-0-amd64 \
	"KERNEL_DIR=$KERNEL_DIR/." EXTRA_MODULES=ext4; do
	if stale out/initramfs.img "$v"; then
		pass "make $v: the initramfs is rebuilt"
	else
		fail "make $v: the initramfs is rebuilt" "make says it is up to date"
	fi
done
if stale out/busybox BUSYBOX_VERSION=1.37.0; then
	pass "make BUSYBOX_VERSION=1.37.0: busybox is rebuilt"
else
	fail "make BUSYBOX_VERSION=1.37.0: busybox is rebuilt" "make says it is up to date"
fi
if stale out/busybox LIBC=musl; then
	pass "make LIBC=musl: busybox is rebuilt"
else
	fail "make LIBC=musl: busybox is rebuilt" "make says it is up to date"
fi
# and going back rebuilds again (the outputs were made with other values)
if stale out/busybox; then
	pass "back to the default LIBC: busybox is rebuilt"
else
	fail "back to the default LIBC: busybox is rebuilt" "up to date"
fi
mk out/busybox out/initramfs.img || fail "rebuilding with the defaults" "$(tail -3 "$TWORK/mk.out")"
! stale out/busybox && ! stale out/initramfs.img && pass "after the rebuild: up to date again" ||
	fail "after the rebuild: up to date again" "$(tail -2 "$TWORK/mk.out")"

# --- the shared downloads are never touched --------------------------------------
t0=$(stat -c %Y "$DL_DIR/busybox_${BUSYBOX_VERSION:-1.38.0}.orig.tar.bz2" "$DL_DIR/uClibc-ng-1.0.35.tar.xz" | tr '\n' ' ')
# (as in a second checkout: its own stamp is missing; this one's is kept)
cp -p build/sources.checked "$TWORK/sources.checked.ref"
rm -f build/sources.checked
mk fetch || fail "make fetch" "$(tail -3 "$TWORK/mk.out")"
touch -r "$TWORK/sources.checked.ref" build/sources.checked
t1=$(stat -c %Y "$DL_DIR/busybox_${BUSYBOX_VERSION:-1.38.0}.orig.tar.bz2" "$DL_DIR/uClibc-ng-1.0.35.tar.xz" | tr '\n' ' ')
[ "$t0" = "$t1" ] && pass "make fetch leaves the shared downloads' times alone" ||
	fail "make fetch leaves the shared downloads' times alone" "$t0 -> $t1"
! stale "build/toolchain/${LIBC:-uclibc}/stamp" && pass "a toolchain built before that is still up to date" ||
	fail "a toolchain built before that is still up to date" "$(tail -2 "$TWORK/mk.out")"

# --- COMPRESS=auto: where the kernel's config is, what was chosen -------------------
kv=$(basename "$(readlink -f "$KERNEL_DIR")")
nocfg=$TWORK/kdir-nocfg/$kv
rm -rf "$TWORK/kdir-nocfg" && mkdir -p "$nocfg"
for f in "$KERNEL_DIR"/*; do [ "$(basename "$f")" = config ] || ln -s "$f" "$nocfg/"; done
mkinit() { # KERNEL_DIR COMPRESS OUT
	BUSYBOX=$BUSYBOX KERNEL_DIR=$1 MODULES=loop COMPRESS=$2 OUT=$3 \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >"$3.msg" 2>&1
}
mkinit "$nocfg" auto "$TWORK/nocfg.img"
if [ -f "/boot/config-$kv" ]; then
	skip "COMPRESS=auto without a config" "this host has /boot/config-$kv"
else
	has "COMPRESS=auto without any kernel config: says so, picks gzip" "$TWORK/nocfg.img.msg" \
		"COMPRESS=auto: no kernel configuration found .*gzip, which every kernel unpacks"
	case $(file -b "$TWORK/nocfg.img") in gzip*) pass "... and the archive is gzip" ;;
	*) fail "... and the archive is gzip" "$(file -b "$TWORK/nocfg.img")" ;; esac
fi
mkinit "$KERNEL_DIR" auto "$TWORK/cfg.img"
has "COMPRESS=auto with the tree's config: says which and why" "$TWORK/cfg.img.msg" \
	"COMPRESS=auto: xz, the smallest that .*/config can unpack"
# a kernel that can't unpack what is asked for: refused
rm -rf "$TWORK/kdir-gz" && mkdir -p "$TWORK/kdir-gz/$kv"
for f in "$KERNEL_DIR"/*; do [ "$(basename "$f")" = config ] || ln -s "$f" "$TWORK/kdir-gz/$kv/"; done
printf 'CONFIG_RD_GZIP=y\n' >"$TWORK/kdir-gz/$kv/config"
if mkinit "$TWORK/kdir-gz/$kv" xz "$TWORK/gz.img"; then
	fail "COMPRESS=xz for a kernel without RD_XZ: refused" "built it"
else
	has "COMPRESS=xz for a kernel without RD_XZ: refused" "$TWORK/gz.img.msg" \
		"COMPRESS=xz: the kernel can't unpack that .*no CONFIG_RD_XZ=y"
fi

# --- module selection: EXTRA_MODULES adds (groups too), unknown names fail ----------
make --no-print-directory -n out/initramfs.img EXTRA_MODULES=ext4 >"$TWORK/mk.out" 2>&1
if grep -q 'MODULES="ata_piix .*squashfs .*overlay .* ext4"' "$TWORK/mk.out"; then
	pass "make EXTRA_MODULES=ext4 keeps the default module set and adds ext4"
else
	fail "make EXTRA_MODULES=ext4 keeps the default module set and adds ext4" "$(grep -m1 MODULES= "$TWORK/mk.out")"
fi
mkmods() { # MODULES OUT
	BUSYBOX=$BUSYBOX KERNEL_DIR=$KERNEL_DIR MODULES=$1 COMPRESS=gzip OUT=$2 \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >"$2.msg" 2>&1
}
if mkmods "loop squashfs net exfat" "$TWORK/grp.img"; then
	miss=
	for m in loop squashfs virtio_net e1000e r8169 8139too 8139cp pcnet32 ne2k-pci exfat; do
		grep -q "/$m\.ko" "$TWORK/grp.img.list" || miss="$miss $m"
	done
	[ -z "$miss" ] && pass "module groups: net and exfat expand to their modules (beside the others)" ||
		fail "module groups: net and exfat expand to their modules" "missing:$miss"
else
	fail "module groups build" "$(tail -2 "$TWORK/grp.img.msg")"
fi
if mkmods "loop nosuchdriver squashfs" "$TWORK/bad.img"; then
	fail "a module the kernel doesn't have is an error" "built it"
else
	has "a module the kernel doesn't have is an error naming it" "$TWORK/bad.img.msg" \
		"module nosuchdriver: not in .*modules.dep .*no such module"
	[ ! -e "$TWORK/bad.img" ] && pass "... and no initramfs is written" || fail "... and no initramfs is written" "it exists"
fi

# --- fetch-kernel: a requested release that left the archive ---------------------
# (Debian keeps only the current ABI; the fallback must name the tree after
# the release it really fetched, or modprobe finds nothing at boot)
gone=6.1.0-0-amd64
rm -rf "$DL_DIR/kernel/$gone"
# (by a relative path, as the Makefile runs it: the script changes directory)
if DL_DIR=$DL_DIR scripts/fetch-kernel "$gone" "$DL_DIR/kernel/$gone" >"$TWORK/fk.out" 2>&1; then
	real=$(readlink "$DL_DIR/kernel/$gone")
	has "fetch-kernel fallback: says which release it fetched" "$TWORK/fk.out" \
		"note: linux-image-$gone is gone from the archive; using linux-image-$real"
	mkinit "$DL_DIR/kernel/$gone" gzip "$TWORK/fk.img"
	if [ -n "$real" ] && [ "$real" != "$gone" ] && grep -q "^dir /lib/modules/$real " "$TWORK/fk.img.list"; then
		pass "fetch-kernel fallback: the tree and the initramfs's modules are named $real"
	else
		fail "fetch-kernel fallback: named after the release fetched" "link '$real'; $(grep -m1 'lib/modules/' "$TWORK/fk.img.list")"
	fi
else
	fail "fetch-kernel fallback works" "$(tail -3 "$TWORK/fk.out" | tr '\n' ' ')"
fi
rm -f "$DL_DIR/kernel/$gone"

# --- make help: every target and variable -------------------------------------------
make --no-print-directory help >"$TWORK/help.out" 2>&1
miss=
for t in $(sed -n 's/^\.PHONY: *//p; /^\.PHONY:.*\\$/,/[^\\]$/{s/^\t//p}' Makefile | tr -d '\\'); do
	grep -q "make $t\b" "$TWORK/help.out" || { [ "$t" = all ] && grep -q "(= all)" "$TWORK/help.out"; } ||
		miss="$miss $t"
done
for v in $(sed -n 's/^\([A-Z_][A-Z_]*\) *?=.*/\1/p' Makefile) TESTS BUSYBOX_TARBALL UCLIBC_TARBALL; do
	grep -q "\b$v=" "$TWORK/help.out" || miss="$miss $v"
done
[ -z "$miss" ] && pass "make help lists every target and variable" || fail "make help lists every target and variable" "missing:$miss"

# --- README's size figures are what `make size` says (within 3 %) -------------------
within() { # QUOTED ACTUAL: |q - a| <= 3 % of a
	awk -v q="$1" -v a="$2" 'BEGIN { d = q - a; if (d < 0) d = -d; exit !(d <= a * 0.03) }'
}
rb=$(sed -n 's/.*`out\/busybox` \([0-9]*\) KB.*/\1/p' README.md | head -1)
ri=$(sed -n 's/.*`out\/initramfs.img` \([0-9.]*\) MB xz, \([0-9.]*\) MB unpacked.*/\1 \2/p' README.md | head -1)
ab=$(wc -c <"$BUSYBOX") ai=$(wc -c <"$INITRAMFS") au=$(sed -n 's/^unpacked (cpio) *//p' "$INITRAMFS.sizes")
if [ -n "$rb" ] && [ -n "$ri" ] && within $((rb * 1000)) "$ab" &&
	within "$(echo "$ri" | awk '{print $1 * 1000000}')" "$ai" &&
	within "$(echo "$ri" | awk '{print $2 * 1000000}')" "$au"; then
	pass "README's size figures match make size (busybox $ab, initramfs $ai / $au bytes)"
else
	fail "README's size figures match make size" "README: busybox '$rb' KB, initramfs '$ri' MB; built: $ab, $ai, $au bytes"
fi

# --- messages name remedies that work ------------------------------------------------
# (on the command line MODULES+=x replaces the module list: never advise it)
if strings "$BUSYBOX" | grep -q 'MODULES+=' || grep -q 'MODULES+=' README.md scripts/* Makefile; then
	fail "no message or doc advises MODULES+= (it replaces the module list)" \
		"$(strings "$BUSYBOX" | grep -m1 'MODULES+='; grep -l 'MODULES+=' README.md scripts/* Makefile)"
else
	pass "no message or doc advises MODULES+= (it replaces the module list)"
fi

# --- the test harness: a boot that can't start leaves no earlier log behind ---------
echo "R:end from an earlier run" >"$TWORK/stale.log"
"$T/lib/qemu-boot" -q -k /nonexistent -i "$INITRAMFS" "$TWORK/stale.log" >/dev/null 2>&1
[ ! -s "$TWORK/stale.log" ] && pass "qemu-boot empties its log before anything can fail" ||
	fail "qemu-boot empties its log before anything can fail" "$(head -1 "$TWORK/stale.log")"
: >"$TWORK/empty.log"
: >"$TWORK/inner.results"
out=$(RESULTS=$TWORK/inner.results sh -c '. "$T/lib/testlib.sh"; hasnt x "$1" y; hasnt x "$1.missing" y; has x "$1" .' sh "$TWORK/empty.log")
[ "$(grep -c '^fail' "$TWORK/inner.results")" = 3 ] && pass "has/hasnt fail on a missing or empty log" ||
	fail "has/hasnt fail on a missing or empty log" "$out"
