# Copy to RAM, checksums, the writable layer, break=.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
sfs "$ROOT" "$M/base.sfs"
sum=$(sha256sum <"$M/base.sfs" | cut -d' ' -f1)
[ ${#sum} = 64 ] || fail "sha256 of a test image" "got '$sum'"

# --- toram: the media is released, every file still readable ----------------
# (the demo medium has no .sha256 file: verify with the hash given on the cmdline)
demo_sum=$(sha256sum <"$(dirname "$MEDIUM")/root.sfs" | cut -d' ' -f1)
[ ${#demo_sum} = 64 ] || fail "sha256 of a test image" "got '$demo_sum'"
boot toram -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT liveroot.toram=yes liveroot.verify=sha256:$demo_sum" || true
L=$TWORK/toram.log
if up toram; then
	has "toram: copied (verified in the same pass), media released" "$L" \
		"^R:log verified /run/liveroot/media/live/root.sfs: sha256 " \
		"^R:log copied 1 image\(s\)" "^R:log released the media" \
		"^R:mountinfo .* /run/liveroot/ram .* - tmpfs " "^R:release liveroot demo root$"
	hasnt "toram: the media is not mounted any more" "$L" "^R:mountinfo .* /run/liveroot/media "
	has "toram: progress shown" "$L" "^liveroot: copying root.sfs 100%"
else
	fail "toram boots" "$(grep -E 'liveroot:' "$L" | tail -3 | tr '\n' ' ')"
fi

# --- toram refused for lack of RAM: boots from the media ----------------------
mkdir -p "$M/bigroot/big" "$M/big/live"
cp -a "$ROOT/." "$M/bigroot/"
head -c $((72 * 1048576)) /dev/urandom >"$M/bigroot/big/blob"
sfs "$M/bigroot" "$M/big/live/root.sfs"
rm -rf "$M/bigroot"
iso "$M/big" "$M/big.iso" BIGLIVE
rm -rf "$M/big"
boot toram-big -c "$M/big.iso" -m 128 -t 150 -a "liveroot.label=BIGLIVE liveroot.toram=yes" || true
L=$TWORK/toram-big.log
up toram-big && has "toram without enough RAM: message, boots from the media" "$L" \
	"^R:log toram: not enough RAM to copy 7[0-9] MiB" \
	"^R:mountinfo .* /run/liveroot/media .* - iso9660 " ||
	fail "toram without enough RAM" "$(grep -E 'liveroot:' "$L" | tail -3 | tr '\n' ' ')"
boot toram-auto -c "$M/big.iso" -m 128 -t 150 -a "liveroot.label=BIGLIVE liveroot.toram=auto" || true
up toram-auto && has "toram=auto: declines when RAM is short" "$TWORK/toram-auto.log" \
	"^R:log toram=auto: not copying" ||
	fail "toram=auto declines" "$(grep -E 'liveroot:' "$TWORK/toram-auto.log" | tail -3 | tr '\n' ' ')"
rm -f "$M/big.iso"

# --- verify=sha256 with IMAGE.sha256 files: good and bad ----------------------
mkdir -p "$M/v/live"
cp "$M/base.sfs" "$M/v/live/root.sfs"
echo "$sum  root.sfs" >"$M/v/live/root.sfs.sha256"
iso "$M/v" "$M/verify-ok.iso" VLIVE
boot verify-ok -c "$M/verify-ok.iso" -t 150 -a "liveroot.label=VLIVE liveroot.verify=sha256" || true
up verify-ok && has "verify=sha256: a good image boots" "$TWORK/verify-ok.log" \
	"^R:log verified /run/liveroot/media/live/root.sfs: sha256 $sum" ||
	fail "verify=sha256: a good image boots" "$(grep -E 'liveroot:' "$TWORK/verify-ok.log" | tail -3 | tr '\n' ' ')"
# differs from the right hash in its last digit only: a comparison of a
# prefix would let it through
case $sum in *0) bad=${sum%?}1 ;; *) bad=${sum%?}0 ;; esac
echo "$bad  root.sfs" >"$M/v/live/root.sfs.sha256"
iso "$M/v" "$M/verify-bad.iso" VLIVE
L=$TWORK/verify-bad.log
boot verify-bad -c "$M/verify-bad.iso" -t 150 -a "liveroot.label=VLIVE liveroot.verify=sha256" \
	-e "(liveroot) # =>cat /proc/mounts; echo MOUNTS-DONE" -e "MOUNTS-DONE=>poweroff -f" || true
has "verify mismatch: refused with expected and actual hash, rescue shell" "$L" \
	"checksum mismatch for /run/liveroot/media/live/root.sfs" \
	"expected sha256: $bad" "actual sha256:   $sum" "rescue shell" "^MOUNTS-DONE"
hasnt "verify mismatch: nothing mounted from the bad image" "$L" "^/dev/loop[0-9]+ "
boot verify-bad-toram -c "$M/verify-bad.iso" -t 150 \
	-a "liveroot.label=VLIVE liveroot.verify=sha256 liveroot.toram=yes" \
	-e "(liveroot) # =>ls /run/liveroot; echo LS-DONE" -e "LS-DONE=>poweroff -f" || true
L=$TWORK/verify-bad-toram.log
has "verify mismatch while copying to RAM: refused, no half copy left" "$L" \
	"checksum mismatch" "^LS-DONE"
hasnt "verify mismatch while copying to RAM: the RAM copy is gone" "$L" "(^|[[:space:]])ram([[:space:]]|$)"

# --- the writable layer ---------------------------------------------------------
boot rwsize -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT liveroot.rw=tmpfs:8M lrtest.fill=/root/fill" || true
up rwsize && has "rw=tmpfs:8M: the tmpfs is 8 MiB; filling it fails cleanly, the system stays up" \
	"$TWORK/rwsize.log" "^R:df tmpfs +8192 .* /run/liveroot/rw$" "^R:fill .*No space left on device" "^R:end" ||
	fail "rw=tmpfs:8M" "$(grep -E 'R:df|liveroot:' "$TWORK/rwsize.log" | tail -5 | tr '\n' ' ')"

ext4_initramfs || fail "building the initramfs with ext4" "see the messages above"
mkdir -p "$M/empty"
ext4 "$M/empty" "$M/persist.img" PERSIST 16
BOOT_INITRD=$M/initramfs-ext4.img boot persist1 -c "$MEDIUM" -d "$M/persist.img" -t 150 \
	-a "liveroot.label=LIVEROOT liveroot.rw=LABEL=PERSIST lrtest.write=/root/hello:from-boot-1" || true
BOOT_INITRD=$M/initramfs-ext4.img boot persist2 -c "$MEDIUM" -d "$M/persist.img" -t 150 \
	-a "liveroot.label=LIVEROOT liveroot.rw=LABEL=PERSIST lrtest.cat=/root/hello" || true
if up persist1 && up persist2; then
	has "persistent rw: boot 1 writes on the ext4 layer" "$TWORK/persist1.log" \
		"^R:wrote /root/hello$" "upperdir=/run/liveroot/persist/liveroot/upper"
	has "persistent rw: boot 2 sees the file" "$TWORK/persist2.log" "^R:cat /root/hello from-boot-1$"
else
	fail "persistent rw boots" "$(grep -E 'liveroot:' "$TWORK/persist1.log" "$TWORK/persist2.log" | tail -4 | tr '\n' ' ')"
fi
vfat "$M/empty" "$M/vfat-persist.img" VFATP 0000ABCD 8 2>/dev/null ||
	{ mkfs.vfat -n VFATP -C "$M/vfat-persist.img" 8192 >/dev/null; }
boot persist-vfat -c "$MEDIUM" -d "$M/vfat-persist.img" -t 150 \
	-a "liveroot.label=LIVEROOT liveroot.rw=LABEL=VFATP" || true
has "persistent directory layer on vfat: refused with the reason and the way out" "$TWORK/persist-vfat.log" \
	"liveroot on /dev/vda is missing, and vfat can't hold a directory layer: make a persistence file" "rescue shell"
boot persist-missing -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT liveroot.rw=LABEL=NOPE liveroot.timeout=2" || true
has "persistent layer missing: no boot without it (nothing written elsewhere)" "$TWORK/persist-missing.log" \
	"the persistent layer rw=LABEL=NOPE is not there" "rescue shell"

# --- break=postmount: a shell, exit continues ---------------------------------
L=$TWORK/break.log
boot break -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT liveroot.break=postmount" \
	-e "(liveroot) # =>ls -1 /newroot/sbin; echo BREAK-SHELL; exit" || true
has "break=postmount: a shell with the stack mounted, exit continues the boot" "$L" \
	"break=postmount: shell started" "^init$" "^BREAK-SHELL" "^R:end"
rm -f "$M"/*.iso

# --- break=preswitch: the last look before the switch ---------------------------
L=$TWORK/break-pre.log
boot break-pre -c "$MEDIUM" -t 150 -a "liveroot.label=LIVEROOT liveroot.break=preswitch" \
	-e "(liveroot) # =>cat /run/liveroot/log | wc -l; echo PRE-SHELL; exit" || true
has "break=preswitch: a shell once the switch's checks passed, exit continues the boot" "$L" \
	"break=preswitch: every check of the switch passed, nothing is moved yet" "^PRE-SHELL" "^R:end"
# after the switch looked at everything (unlike postmount), before it moved
sw=$(grep -n "liveroot: switching root" "$L" | head -1 | cut -d: -f1)
br=$(grep -n "break=preswitch: every check" "$L" | head -1 | cut -d: -f1)
[ -n "$sw" ] && [ -n "$br" ] && [ "$sw" -lt "$br" ] &&
	pass "break=preswitch comes after the switch's checks began" ||
	fail "break=preswitch comes after the switch's checks began" "switch line $sw, break line $br"
