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
