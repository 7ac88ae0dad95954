# Boot entries written for the peers, unchanged: a medium in dracut's
# dmsquash-live layout (/LiveOS/squashfs.img holding the root), booted with
# dracut's own words and no liveroot.* word at all.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
sfs=$(dirname "$MEDIUM")/root.sfs
rm -rf "$M/dracut" && mkdir -p "$M/dracut/LiveOS"
cp "$sfs" "$M/dracut/LiveOS/squashfs.img"
iso "$M/dracut" "$M/dracut.iso" Fedora-Live
boot dracut1 -c "$M/dracut.iso" -t 150 -a "root=live:CDLABEL=Fedora-Live rd.live.image rd.live.overlay.size=64 rd.live.check" || true
if up dracut1; then
	has "dracut layout and words: the root comes up, each word said as understood" "$TWORK/dracut1.log" \
		"^R:log peer word: root=live:CDLABEL=Fedora-Live -> media=LABEL=Fedora-Live" \
		"^R:log peer word: rd.live.check: not supported, ignored" \
		"^R:log mounted /run/liveroot/media/LiveOS/squashfs.img \(squashfs" \
		"^R:log writable layer: tmpfs on /run/liveroot/rw \(size 64M\)"
else
	fail "dracut layout and words: the root comes up" "$(grep -E 'liveroot:' "$TWORK/dracut1.log" | tail -4 | tr '\n' ' ')"
fi
boot dracut2 -c "$M/dracut.iso" -t 150 -a "root=live:CDLABEL=Fedora-Live rd.live.image rd.live.ram" || true
up dracut2 && has "dracut rd.live.ram: copied to RAM, the media released" "$TWORK/dracut2.log" \
	"^R:log peer word: rd.live.ram -> toram=yes" "^R:log released the media" ||
	fail "dracut rd.live.ram boots" "$(grep -E 'liveroot:' "$TWORK/dracut2.log" | tail -4 | tr '\n' ' ')"
rm -rf "$M/dracut" "$M/dracut.iso"

# archiso's layout (/arch/x86_64/airootfs.sfs) and words
rm -rf "$M/archiso" && mkdir -p "$M/archiso/arch/x86_64"
cp "$sfs" "$M/archiso/arch/x86_64/airootfs.sfs"
iso "$M/archiso" "$M/archiso.iso" ARCH_202611
boot archiso1 -c "$M/archiso.iso" -t 150 -a "archisobasedir=arch archisolabel=ARCH_202611 cow_spacesize=48M checksum=y" || true
if up archiso1; then
	has "archiso layout and words: the root comes up, each word said as understood" "$TWORK/archiso1.log" \
		"^R:log peer word: archisolabel=ARCH_202611 -> media=LABEL=ARCH_202611" \
		"^R:log peer word: checksum=y: not supported, ignored" \
		"^R:log mounted /run/liveroot/media/arch/x86_64/airootfs.sfs \(squashfs" \
		"^R:log writable layer: tmpfs on /run/liveroot/rw \(size 48M\)"
else
	fail "archiso layout and words: the root comes up" "$(grep -E 'liveroot:' "$TWORK/archiso1.log" | tail -4 | tr '\n' ' ')"
fi
boot archiso2 -c "$M/archiso.iso" -t 150 -a "archisobasedir=arch archisolabel=ARCH_202611 copytoram=y" || true
up archiso2 && has "archiso copytoram=y: copied to RAM, the media released" "$TWORK/archiso2.log" \
	"^R:log peer word: copytoram=y -> toram=yes" "^R:log released the media" ||
	fail "archiso copytoram=y boots" "$(grep -E 'liveroot:' "$TWORK/archiso2.log" | tail -4 | tr '\n' ' ')"
rm -rf "$M/archiso" "$M/archiso.iso"

# Debian live-boot's layout: every /live/*.squashfs, stacked by name; the
# medium found by looking (boot=live names none)
rm -rf "$M/lb" "$M/lbx" && mkdir -p "$M/lb/live" "$M/lbx/etc"
cp "$sfs" "$M/lb/live/filesystem.squashfs"
echo "from the second image" >"$M/lbx/etc/lb-extra"
sfs "$M/lbx" "$M/lb/live/zz-extra.squashfs"
iso "$M/lb" "$M/lb.iso" "d-live 12 st amd64"
boot lb1 -c "$M/lb.iso" -t 150 -a "boot=live components quiet lrtest.cat=/etc/lb-extra" || true
if up lb1; then
	has "live-boot layout and words: both images stacked by name, the medium found by looking" "$TWORK/lb1.log" \
		"^R:log peer word: boot=live \(no live-media=: live-boot looks everywhere\) -> media=auto" \
		"^R:log 2 image\(s\) in /live, stacked by name: /live/filesystem.squashfs" \
		"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/layer1:/run/liveroot/layer0" \
		"^R:cat /etc/lb-extra from the second image"
else
	fail "live-boot layout and words: the root comes up" "$(grep -E 'liveroot:' "$TWORK/lb1.log" | tail -4 | tr '\n' ' ')"
fi
rm -rf "$M/lb" "$M/lbx" "$M/lb.iso"
