# Distribution kernels, whatever their module compression: trees derived
# from Debian's kernel with .ko.zst, .ko.gz and .ko.xz modules (recompressed,
# modules.dep rewritten) give an initramfs whose modules BusyBox's modprobe
# or the kernel can load; a module keeps its bytes where the kernel unpacks
# its format itself; the unpacked module -- what the signature covers -- is
# never changed.  (qemu/30-initramfs boots a .ko.zst one.)
. "$T/lib/testlib.sh"
kv=$(basename "$(readlink -f "$KERNEL_DIR")")
W=$TWORK/modfmt
rm -rf "$W" && mkdir -p "$W"
# mkinit NAME TREE [VAR=VALUE...]: an initramfs from TREE in $W/NAME.img
# (MODULE_COMPRESS=xz unless given: the conversions; none stores all plain)
mkinit() {
	n=$1 k=$2; shift 2
	env MODULE_COMPRESS=xz "$@" BUSYBOX=$BUSYBOX KERNEL_DIR=$k MODULES="$MODULES" OUT=$W/$n.img \
		GEN_CPIO=$TOP/build/gen_cpio "$TOP/scripts/mkinitramfs" >/dev/null 2>"$W/$n.err"
}
# formats NAME: the module files' formats in NAME's initramfs, counted
formats() { find "$W/$1.img.stage" -name '*.ko*' | sed 's/.*\.ko/ko/' | sort | uniq -c | awk '{ printf "%s%s:%s", s, $2, $1; s = " " }'; }
# unpacked_same NAME: each module, unpacked, is Debian's .ko byte for byte;
# modules.dep names exactly the files there are
unpacked_same() {
	d=$W/$1.img.stage/lib/modules/$kv bad=
	for f in $(cd "$d" && find . -name '*.ko*' | sed 's#^\./##'); do
		case $f in *.xz) c="xz -dc" ;; *.gz) c="gzip -dc" ;; *.zst) c="zstd -qdc" ;; *) c=cat ;; esac
		[ "$($c "$d/$f" | sha256sum)" = "$(sha256sum <"$KERNEL_DIR/${f%.ko*}.ko")" ] || bad="$bad $f"
	done
	for f in $(tr -d ':' <"$d/modules.dep"); do [ -f "$d/$f" ] || bad="$bad dep:$f"; done
	# ... and every module is there, a line of its own
	for f in $(cd "$d" && find . -name '*.ko*' | sed 's#^\./##'); do
		grep -q "^$f:" "$d/modules.dep" || bad="$bad notindep:$f"
	done
	[ -z "$bad" ] || { echo "$bad" | cut -c1-200; return 1; }
}
for fmt in zst gz xz; do
	tree=$(sh "$T/lib/ktree" "$KERNEL_DIR" "$W/k-$fmt" "$fmt" $MODULES) ||
		{ fail ".ko.$fmt tree derived from Debian's" "ktree failed"; continue; }
	cnt=$(find "$tree" -name "*.ko.$fmt" | wc -l)
	if ! mkinit "$fmt" "$tree"; then
		fail ".ko.$fmt modules ($cnt), kernel without MODULE_DECOMPRESS: an initramfs" "$(tail -2 "$W/$fmt.err")"
		continue
	fi
	got=$(formats "$fmt")
	case $got in "ko.xz:"[0-9]*) case $got in *" "*) ok= ;; *) ok=1 ;; esac ;; *) ok= ;; esac
	[ -n "$ok" ] && pass ".ko.$fmt modules ($cnt), kernel without MODULE_DECOMPRESS: all .ko.xz in the initramfs" ||
		fail ".ko.$fmt modules, kernel without MODULE_DECOMPRESS: all .ko.xz in the initramfs" "$got"
	r=$(unpacked_same "$fmt") && pass ".ko.$fmt: every module unpacks to Debian's bytes (signature intact), modules.dep names them" ||
		fail ".ko.$fmt: every module unpacks to Debian's bytes, modules.dep names them" "$r"
	if [ "$fmt" = xz ]; then
		hasnt ".ko.xz: kept as they are, nothing converted" "$W/$fmt.err" "converted"
	else
		has ".ko.$fmt: the conversion is said" "$W/$fmt.err" "$cnt module\(s\) converted to xz \(the kernel unpacks no module itself"
	fi
done

# a kernel that unpacks zstd (or gzip) itself: the modules keep their bytes
for fmt in zst gz; do
	tree=$(sh "$T/lib/ktree" "$KERNEL_DIR" "$W/kd-$fmt" "$fmt" decompress $MODULES) || continue
	if mkinit "d$fmt" "$tree"; then
		bad=
		for f in $(cd "$tree" && find . -name "*.ko.$fmt"); do
			cmp -s "$tree/$f" "$W/d$fmt.img.stage/lib/modules/$kv/$f" || bad="$bad $f"
		done
		[ -z "$bad" ] && [ "$(formats "d$fmt")" = "ko.$fmt:$(find "$tree" -name "*.ko.$fmt" | wc -l)" ] &&
			pass "MODULE_DECOMPRESS with $fmt: the .ko.$fmt modules are kept byte for byte" ||
			fail "MODULE_DECOMPRESS with $fmt: the .ko.$fmt modules are kept byte for byte" "$(formats "d$fmt")$bad"
		unpacked_same "d$fmt" >/dev/null && hasnt "MODULE_DECOMPRESS with $fmt: nothing converted, modules.dep names them" \
			"$W/d$fmt.err" "converted" || fail "MODULE_DECOMPRESS with $fmt: modules.dep names them" "$(unpacked_same "d$fmt")"
	else
		fail "MODULE_DECOMPRESS with $fmt: an initramfs" "$(tail -2 "$W/d$fmt.err")"
	fi
done

# MODULE_COMPRESS=none: plain .ko from a .ko.zst tree
if mkinit none "$W/k-zst/lib/modules/$kv" MODULE_COMPRESS=none; then
	[ "$(formats none | cut -d: -f1)" = ko ] && unpacked_same none >/dev/null &&
		pass "MODULE_COMPRESS=none from .ko.zst: plain .ko, Debian's bytes" ||
		fail "MODULE_COMPRESS=none from .ko.zst: plain .ko, Debian's bytes" "$(formats none)"
else
	fail "MODULE_COMPRESS=none from .ko.zst" "$(tail -2 "$W/none.err")"
fi

# a damaged module: said, naming it, and no initramfs written
k=$W/k-zst/lib/modules/$kv
f=$(grep -o '^[^:]*loop.ko.zst' "$k/modules.dep")
head -c 1000 "$k/$f" >"$W/cut" && cp "$W/cut" "$k/$f"
rm -f "$W/bad.img"
if mkinit bad "$k"; then
	fail "a damaged .ko.zst: the build fails" "it succeeded"
else
	has "a damaged .ko.zst: the build fails naming it" "$W/bad.err" "$f: can't unpack it \(zst"
	[ ! -e "$W/bad.img" ] && pass "a damaged .ko.zst: no initramfs written" ||
		fail "a damaged .ko.zst: no initramfs written" "$(ls -la "$W/bad.img")"
fi
rm -rf "$W"/*.stage "$W"/kd-* "$W"/k-gz "$W"/k-xz
