# A hybrid image written to a stick, with a persistence partition added
# (live-boot's standard stick): the image's filesystem shows on the whole
# disk and on partition 1 (isohybrid and live-build's xorriso start it at
# sector 0).  Mounting the whole disk, or setting it read-only, locks every
# partition of it out (EBUSY, read-only): the partition must be taken,
# whatever order /sys/class/block lists them in (a name-hash order; the
# loop device here is one whose whole disk comes first, the order that
# failed).  Also: live-boot's filesystem.module naming images not called
# *.squashfs.  The whole applet as PID 1 of a private namespace on the host
# kernel, loop devices as disks.
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
. "$T/lib/media.sh"
trap ns_exit EXIT
for fs in ext4 squashfs overlay; do
	grep -qw "$fs" /proc/filesystems || { fail "isohybrid stick tests" "the host kernel has no $fs"; exit 0; }
done
sfs=$(dirname "$MEDIUM")/root.sfs
nsup() { grep -q '^R:end' "$TWORK/$1.out" && grep -qE '^R:mountinfo .* / / .* - overlay ' "$TWORK/$1.out"; }
booted() { # NAME WHAT PATTERN...: came up, and each pattern is there
	n=$1 what=$2; shift 2
	if nsup "$n"; then has "$what" "$TWORK/$n.out" "$@"
	else fail "$what" "$(grep -E 'liveroot:|RESCUE' "$TWORK/$n.out" | tail -4 | tr '\n' ' ')"; fi
}

# the image's filesystem: iso9660 where the host kernel has it, else ext4
# (its superblock, like an ISO's, leaves sector 0 to the partition table:
# to liveroot the same stick)
grep -qw iso9660 /proc/filesystems || modprobe -q isofs 2>/dev/null
if grep -qw iso9660 /proc/filesystems; then fst=iso9660; else fst=ext4; fi
lab=LRHY$$
rm -rf "$M/hy" "$M/hy-top" "$M/hy-p" && mkdir -p "$M/hy/live" "$M/hy-top/etc" "$M/hy-p"
cp "$sfs" "$M/hy/live/filesystem.squashfs"
# an image on top whose /etc/lrtest has the booted system write a file
# (report-init), to be found on the stick afterwards
echo "lrtest.write=/root/isostick:written-on-the-stick" >"$M/hy-top/etc/lrtest"
sfs "$M/hy-top" "$M/hy/live/zz-write.squashfs"
if [ $fst = iso9660 ]; then
	iso "$M/hy" "$M/hy.fs" "$lab"
else
	ext4 "$M/hy" "$M/hy.fs" "$lab" $(( $(du -sm "$M/hy" | cut -f1) + 16 )) >/dev/null
fi
echo "/ union" >"$M/hy-p/persistence.conf"
ext4 "$M/hy-p" "$M/hy-p.ext4" persistence 16 >/dev/null

# le32 N: N as 4 little-endian bytes, in printf's octal escapes
le32() { for s in 0 8 16 24; do printf '\\%03o' $(( ($1 >> s) & 255 )); done; }
# hybrid OUT FS PERSIST [copy]: a stick holding FS at sector 0, partition 1
# holding it too, PERSIST as partition 2 after it.  Partition 1 starts at
# sector 0, the same bytes (isohybrid, live-build; sfdisk won't write a
# start of 0: 1, then the field patched), or with "copy" right after FS,
# holding a copy (archiso's xorriso -partition_offset: a second superblock).
# Sets p2 and p2n: partition 2's first sector and size.
hybrid() {
	n=$(( ($(wc -c <"$2") + 1048575) / 1048576 * 2048 ))
	p2n=$(( $(wc -c <"$3") / 512 ))
	s1=0
	[ "${4:-}" = copy ] && s1=$n
	p2=$(( s1 + n ))
	rm -f "$1" && truncate -s $(( (p2 + p2n) * 512 )) "$1" || return 1
	dd if="$2" of="$1" conv=notrunc status=none || return 1
	[ $s1 = 0 ] || dd if="$2" of="$1" bs=512 seek=$s1 conv=notrunc status=none || return 1
	printf 'label: dos\nstart=%s, size=%s, type=17\nstart=%s, size=%s, type=83\n' \
		$(( s1 > 0 ? s1 : 1 )) $(( s1 > 0 ? n : n - 1 )) $p2 $p2n |
		sfdisk -q --wipe never "$1" >/dev/null || return 1
	if [ $s1 = 0 ]; then
		printf "$(le32 0)$(le32 $n)" | dd of="$1" bs=1 seek=454 conv=notrunc status=none || return 1
	fi
	dd if="$3" of="$1" bs=512 seek=$p2 conv=notrunc status=none
}
# stick IMG: attach IMG read-write with its partitions, on a free loop
# device whose name /sys/class/block lists before its partition 1's (the
# kernel may not read MBRs: partx adds them).  $LOOP, $d (its name).
stick() {
	LOOP=
	for i in $(seq 0 63); do
		d=loop$i
		losetup "/dev/$d" >/dev/null 2>&1 && continue   # in use
		losetup -P "/dev/$d" "$1" 2>/dev/null || continue
		loops="$loops /dev/$d"
		blockdev --setrw "/dev/$d"
		[ -e "/sys/class/block/${d}p1" ] || partx -a "/dev/$d" 2>/dev/null
		first=$(find /sys/class/block -mindepth 1 -maxdepth 1 \( -name "$d" -o -name "${d}p1" \) -printf '%f\n' | head -1)
		if [ "$first" = "$d" ] && [ -e "/sys/class/block/${d}p2" ]; then
			LOOP=/dev/$d
			return 0
		fi
		losetup -d "/dev/$d"
	done
	fail "a loop device listed before its partition 1 in /sys/class/block" "none free of loop0..63"
	exit 0
}
# on_p2 IMG PATH: PATH on the stick's persistence partition (debugfs, read-only)
on_p2() {
	dd if="$1" of="$M/hy-p2.ext4" bs=512 skip=$p2 count=$p2n status=none &&
		debugfs -R "cat $2" "$M/hy-p2.ext4" 2>/dev/null
}
# saved NAME WHAT: the file the booted system wrote is on the stick's partition 2
saved() {
	detach "$LOOP"
	[ "$(on_p2 "$M/hy.img" /liveroot/upper/root/isostick)" = written-on-the-stick ] &&
		pass "$2" || fail "$2" "$(debugfs -R 'ls -l /liveroot/upper/root' "$M/hy-p2.ext4" 2>&1 | tail -3 | tr '\n' ' ')"
}
top=/live/filesystem.squashfs,/live/zz-write.squashfs
# whole NAME WHAT: the system came up with no mount whose source is the whole disk
whole() {
	if nsup "$1"; then hasnt "$2" "$TWORK/$1.out" "^R:mountinfo .* - [^ ]+ /dev/$d "
	else fail "$2" "no boot"; fi
}

# --- liveroot's words: media=LABEL= (both match), rw=LABEL=persistence ------------
hybrid "$M/hy.img" "$M/hy.fs" "$M/hy-p.ext4" || { fail "making the hybrid stick" "sfdisk or dd failed"; exit 0; }
stick "$M/hy.img"
ns_prepare
ns_liveroot hy-rw "media=LABEL=$lab" "image=$top" rw=LABEL=persistence timeout=5
booted hy-rw "hybrid stick ($fst at sector 0 of the disk and of partition 1, $d listed first): the media from partition 1, the layer on partition 2 read-write" \
	"^R:mountinfo .* /run/liveroot/media ro,.* - $fst /dev/${d}p1 " \
	"^R:mountinfo .* /run/liveroot/persist rw,.* - ext4 /dev/${d}p2 " \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/persist/liveroot/upper," "^R:wrote /root/isostick"
whole hy-rw "... the whole disk $d is not mounted"
saved hy-rw "... and what the system wrote is on the stick's persistence partition"

# --- toram=yes with the layer on partition 2: released, but not removable -----------
hybrid "$M/hy.img" "$M/hy.fs" "$M/hy-p.ext4"
stick "$M/hy.img"
ns_prepare
ns_liveroot hy-toram "media=LABEL=$lab" "image=$top" rw=LABEL=persistence toram=yes timeout=5
booted hy-toram "toram=yes, the layer on partition 2 of the same stick: the images in RAM, the media partition released" \
	"^R:log copied 2 image\(s\)" \
	"^R:log released the media /dev/${d}p1, but its disk is still in use \(${d}p2 is mounted on /run/liveroot/persist\): leave it in" \
	"^R:mountinfo .* /run/liveroot/persist rw,.* - ext4 /dev/${d}p2 "
hasnt "... and nothing says the stick can be taken out" "$TWORK/hy-toram.out" "can be removed"
saved hy-toram "... and what the system wrote is on the stick's persistence partition"

# --- live-boot's words: boot=live persistence ("if there is one") ---------------------
hybrid "$M/hy.img" "$M/hy.fs" "$M/hy-p.ext4"
stick "$M/hy.img"
ns_prepare
NSCMD="boot=live live-media=/dev/disk/by-label/$lab persistence" ns_liveroot hy-lb
booted hy-lb "hybrid stick, live-boot's boot=live persistence: the media from partition 1, the persistence partition used" \
	"^R:log peer word: persistence -> rw=LABEL=persistence" \
	"^R:mountinfo .* /run/liveroot/media ro,.* - $fst /dev/${d}p1 " \
	"^R:mountinfo .* /run/liveroot/persist rw,.* - ext4 /dev/${d}p2 " \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/persist/liveroot/upper," "^R:wrote /root/isostick"
whole hy-lb "... the whole disk $d is not mounted"
saved hy-lb "... and what the system wrote is on the stick's persistence partition"

# --- the whole disk named by its path: mounted through a read-only loop device -------
hybrid "$M/hy.img" "$M/hy.fs" "$M/hy-p.ext4"
stick "$M/hy.img"
ns_prepare
ns_liveroot hy-path "media=$LOOP" "image=$top" rw=LABEL=persistence timeout=5
booted hy-path "hybrid stick named by the whole disk's path: read through a read-only loop device, the persistence partition still usable" \
	"^R:log mounted /dev/$d \($fst\) read-only through /dev/loop[0-9]+ \(a read-only loop device" \
	"^R:mountinfo .* /run/liveroot/media ro,.* - $fst /dev/loop[0-9]+ " \
	"^R:mountinfo .* /run/liveroot/persist rw,.* - ext4 /dev/${d}p2 " "^R:wrote /root/isostick"
whole hy-path "... the whole disk $d itself is not mounted"
saved hy-path "... and what the system wrote is on the stick's persistence partition"

# --- a copy of the filesystem in partition 1 (not at sector 0): one medium too -------
hybrid "$M/hy.img" "$M/hy.fs" "$M/hy-p.ext4" copy
stick "$M/hy.img"
ns_prepare
ns_liveroot hy-copy "media=LABEL=$lab" "image=$top" rw=LABEL=persistence timeout=5
booted hy-copy "hybrid stick with partition 1 holding a copy (archiso's layout): one medium, partition 1 taken" \
	"^R:mountinfo .* /run/liveroot/media ro,.* - $fst /dev/${d}p1 " \
	"^R:mountinfo .* /run/liveroot/persist rw,.* - ext4 /dev/${d}p2 "
hasnt "... not refused as two media" "$TWORK/hy-copy.out" "matches both"
detach "$LOOP"

# --- filesystem.module naming an image not called *.squashfs (found by magic) ---------
rm -rf "$M/fm" && mkdir -p "$M/fm/live"
cp "$sfs" "$M/fm/live/root.img"
echo root.img >"$M/fm/live/filesystem.module"
ext4 "$M/fm" "$M/fm.ext4" "LRFM$$" $(( $(du -sm "$M/fm" | cut -f1) + 16 )) >/dev/null
attach -r "$M/fm.ext4" && fdev=$LOOP
ns_prepare
NSCMD="boot=live live-media=$fdev" ns_liveroot fm-any
booted fm-any "filesystem.module naming root.img (no *.squashfs in the directory): the media check takes it, it boots" \
	"^R:log 1 image\(s\) listed in /live/filesystem.module, stacked in its order: /live/root.img" \
	"^R:log mounted /run/liveroot/media/live/root.img \(squashfs"
[ "$(grep -c '^R:log .*image(s) listed in' "$TWORK/fm-any.out")" = 1 ] && pass "... the list said once (the media check reads it quietly)" ||
	fail "... the list said once" "$(grep '^R:log .*image(s) listed in' "$TWORK/fm-any.out" | tr '\n' ' ')"
detach "$fdev"
rm -rf "$M/hy" "$M/hy-top" "$M/hy-p" "$M/fm" "$M"/hy*.ext4 "$M/hy.fs" "$M/hy.img" "$M/fm.ext4"
