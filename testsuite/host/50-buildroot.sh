# The BR2_EXTERNAL tree: lint it like check-package, prove the linter bites,
# then replay buildroot's patch step and config fixups on a fresh BusyBox
# tree, build it and run the applet.
. "$T/lib/testlib.sh"
BR=$TOP/buildroot
check "buildroot tree passes the check-package rules" "$TOP/scripts/check-br-external" "$BR"

# the linter finds what check-package would
bad=$TWORK/br-bad
rm -rf "$bad"
cp -rL "$BR" "$bad"
p=$bad/package/liveroot
sed -i 's/^\tbool "liveroot"/    bool "liveroot"/' "$p/Config.in"
sed -i 's/^\t  Boot a live system/\t  Boot a live system from a squashfs or erofs image with a tiny initramfs, too long/' "$p/Config.in"
sed -i 's/^sha256  /sha256 /' "$p/liveroot.hash"
echo "LIVROOT_TYPO = 1" >>"$p/liveroot.mk"
sed -i '/^Upstream:/d' "$p/busybox/0001-build-the-liveroot-directory.patch"
cp "$p/busybox/0002-modutils-skip-uncompressed-retry-for-compressed-modules.patch" "$p/busybox/fix.patch"
sed -i '/^BR2_DOWNLOAD_FORCE_CHECK_HASHES=y$/d' "$bad/configs/liveroot_qemu_x86_64_defconfig"
"$TOP/scripts/check-br-external" "$bad" >"$TWORK/br-bad.out" 2>&1
has "the linter reports each seeded problem" "$TWORK/br-bad.out" \
	"Config.in:2: should be indented with one tab" "help text: <tab><2 spaces><62 chars>" \
	"liveroot.hash:2: separation does not match" "possible typo: LIVROOT_TYPO" \
	"0001-build-the-liveroot-directory.patch: missing Upstream:" \
	"fix.patch: use name <number>-<description>.patch" \
	"defconfig: add BR2_DOWNLOAD_FORCE_CHECK_HASHES=y"
rm -rf "$bad"

# buildroot's patch step (support/scripts/apply-patches.sh semantics: the
# series file if there is one, else sorted *.patch; patch -p1, no fuzz,
# rejects fail), then the post-patch hook, then the fixups, then build
w=$TWORK/br-busybox
rm -rf "$w"
mkdir -p "$w"
dl=${DL_DIR:-$HOME/.cache/liveroot}
tar -C "$w" -xf "$dl/busybox_1.37.0.orig.tar.bz2"
src=$w/busybox-1.37.0
pd=$BR/package/liveroot/busybox
ok=1
if [ -f "$pd/series" ]; then list=$(grep -v '^#' "$pd/series"); else list=$(cd "$pd" && LC_COLLATE=C ls *.patch); fi
for pf in $list; do
	patch -F0 -g0 -p1 --no-backup-if-mismatch -d "$src" -t -N -s <"$pd/$pf" || { ok=0; break; }
done
[ -z "$(find "$src" -name '*.rej')" ] || ok=0
[ $ok = 1 ] && pass "package patches apply to BusyBox 1.37.0 with no fuzz" ||
	fail "package patches apply to BusyBox 1.37.0 with no fuzz" "$pf"
# LIVEROOT_BUSYBOX_ADD_APPLET
mkdir -p "$src/liveroot"
cp "$TOP"/applets/liveroot/*.c "$TOP"/applets/liveroot/*.h "$TOP"/applets/liveroot/*.src "$src/liveroot/"
# buildroot's busybox starts from its own config; defconfig stands in for it
(cd "$src" && make -s defconfig >/dev/null 2>&1)
sed -n 's/.*KCONFIG_\(ENABLE\|DISABLE\)_OPT,\(CONFIG_[A-Z0-9_]*\)).*/\1 \2/p' \
	"$BR/package/liveroot/liveroot.mk" | sed -n '/CONFIG_LIVEROOT/,$p' |
while read -r how opt; do
	case $opt in CONFIG_BLK_*|CONFIG_RD_*|CONFIG_DEVTMPFS|CONFIG_TMPFS|CONFIG_SQUASHFS*|CONFIG_EROFS*|CONFIG_OVERLAY*|CONFIG_ISO9660*|CONFIG_VFAT*) continue ;; esac
	sed -i "/^$opt=/d; /^# $opt is not set/d" "$src/.config"
	if [ "$how" = ENABLE ]; then echo "$opt=y"; else echo "# $opt is not set"; fi >>"$src/.config"
done
(cd "$src" && yes '' | make -s oldconfig >/dev/null 2>&1)
if grep -qx CONFIG_LIVEROOT=y "$src/.config" && grep -qx "# CONFIG_MODPROBE_SMALL is not set" "$src/.config"; then
	pass "config fixups replayed: CONFIG_LIVEROOT=y, full modprobe"
else
	fail "config fixups replayed" "$(grep -E 'LIVEROOT|MODPROBE_SMALL' "$src/.config")"
fi
if (cd "$src" && make -s -j"${JOBS:-2}" busybox >"$w/build.log" 2>&1); then
	"$src/busybox" liveroot --help >"$w/help.txt" 2>&1
	has "buildroot-style build (host gcc, BusyBox defconfig + fixups): liveroot --help" "$w/help.txt" \
		"^Usage: liveroot" "media="
else
	fail "buildroot-style build" "$(grep -E 'error' "$w/build.log" | head -3 | tr '\n' ' ')"
fi
rm -rf "$w"
