# The build products: static uClibc-ng BusyBox, the applet's help, every
# configured applet runs, the size limits.
. "$T/lib/testlib.sh"

case $(file -b "$BUSYBOX") in
*statically\ linked*) pass "busybox is static" ;;
*) fail "busybox is static" "$(file -b "$BUSYBOX")" ;;
esac
if [ "${LIBC:-uclibc}" = uclibc ]; then
	unstripped=$TOP/build/busybox-uclibc/busybox_unstripped
	if nm "$unstripped" 2>/dev/null | grep -q ' __uClibc_main$'; then
		pass "busybox is linked against uClibc-ng"
	else
		fail "busybox is linked against uClibc-ng" "no __uClibc_main in $unstripped"
	fi
else
	skip "busybox is linked against uClibc-ng" "LIBC=$LIBC"
fi

"$BUSYBOX" liveroot --help >"$TWORK/help.txt" 2>&1
# every parameter the parser knows (options.c's param_names)
params=$(sed -n '/^static const char param_names/,/;/p' "$TOP/applets/liveroot/options.c" |
	grep -o '"[a-z.]*\\0"' | tr -d '"' | sed 's/\\0$//')
[ "$(echo "$params" | wc -l)" -ge 16 ] || fail "reading the parameter names from options.c" "got: $params"
miss=
for p in $params; do
	grep -qE "(^|[[:space:]])$p(=|\[|[[:space:]]|$)" "$TWORK/help.txt" || miss="$miss $p"
done
for w in "^Usage: liveroot" switch shutdown; do grep -q "$w" "$TWORK/help.txt" || miss="$miss $w"; done
[ -z "$miss" ] && pass "liveroot --help lists every parameter" || fail "liveroot --help lists every parameter" "missing:$miss"
# README documents every parameter too
miss=
for p in $params; do
	grep -qF "liveroot.$p" "$TOP/README.md" || miss="$miss $p"
done
[ -z "$miss" ] && pass "README documents every parameter" || fail "README documents every parameter" "missing:$miss"
# every row of the peers' table (peers.c) is documented in README and has a
# test case that names it
words=$(sed -n '/^static const struct peer_word peer_words\[\]/,/^};/p' "$TOP/applets/liveroot/peers.c" |
	grep -oE '^[[:space:]]+([A-Z_]+\(|\{ )"[^"]+"' | grep -oE '"[^"]+"' | tr -d '"')
[ "$(echo "$words" | wc -l)" -ge 40 ] || fail "reading the peer words from peers.c" "got: $words"
miss= notest=
for w in $words; do
	grep -qF -- "\`$w" "$TOP/README.md" || miss="$miss $w"
	grep -qF -- "$w" "$T/host/20-options.sh" "$T/ns/25-peers.sh" "$T/qemu/75-peers.sh" "$T/qemu/45-net.sh" ||
		notest="$notest $w"
done
[ -z "$miss" ] && pass "README documents every peer word ($(echo "$words" | wc -l))" ||
	fail "README documents every peer word" "missing:$miss"
[ -z "$notest" ] && pass "every peer word has a test case" || fail "every peer word has a test case" "missing:$notest"

bad=
for a in $("$BUSYBOX" --list); do
	out=$("$BUSYBOX" "$a" --help 2>&1)
	case $a,$out in
	*,*Usage:*|*,*"built-in"*) ;;
	echo,*) [ "$("$BUSYBOX" echo ok)" = ok ] || bad="$bad $a" ;;
	*) bad="$bad $a" ;;
	esac
done
[ -z "$bad" ] && pass "every applet in the config runs ($("$BUSYBOX" --list | wc -l) applets)" ||
	fail "every applet in the config runs" "no usage from:$bad"
# the applets the issue lists are in
need="sh ash mount umount losetup modprobe insmod blkid findfs ls cat cp mkdir dmesg free df sleep poweroff reboot switch_root liveroot"
miss=
for a in $need; do "$BUSYBOX" --list | grep -qx "$a" || miss="$miss $a"; done
[ -z "$miss" ] && pass "configured applets present" || fail "configured applets present" "missing:$miss"

sz=$(wc -c <"$INITRAMFS")
[ "$sz" -le 2000000 ] && pass "initramfs <= 2 MB ($sz bytes)" || fail "initramfs <= 2 MB" "$sz bytes"
un=$(sed -n 's/^unpacked (cpio) *//p' "$INITRAMFS.sizes")
[ -n "$un" ] && [ "$un" -le 4194304 ] && pass "initramfs unpacked <= 4 MiB ($un bytes)" ||
	fail "initramfs unpacked <= 4 MiB" "$un bytes"
bb=$(wc -c <"$BUSYBOX")
[ "$bb" -le 420000 ] && pass "busybox <= 420 KB ($bb bytes)" || fail "busybox <= 420 KB" "$bb bytes"
# the marker is the last file of the archive, busybox the first
lst=$INITRAMFS.list
[ "$(grep -v '^#' "$lst" | grep . | tail -1 | awk '{print $2}')" = /etc/initramfs-complete ] &&
	pass "completion marker is the last archive entry" ||
	fail "completion marker is the last archive entry" "$(tail -1 "$lst")"
# patches/busybox/series names every patch, in order
s=$(grep -v '^#' "$TOP/patches/busybox/series" | grep . | tr '\n' ' ')
p=$(cd "$TOP/patches/busybox" && ls *.patch | sort | tr '\n' ' ')
[ "$s" = "$p" ] && pass "patches/busybox/series lists every patch in order" ||
	fail "patches/busybox/series lists every patch in order" "series: $s; files: $p"
