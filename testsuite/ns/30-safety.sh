# Safety: nothing the new root lives on is deleted, nothing on the media can
# point liveroot's files elsewhere, every check means what it prints.  Each
# case here failed on the code before these checks (see the comments).
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
. "$T/lib/media.sh"
trap ns_exit EXIT
C="-c /proc/self/fd/1"

BB="chroot \"\$R\" /bin/busybox"

# --- 1. the wipe must not delete what the new root lives on ----------------
# an overlay whose layers are directories of rootfs (was: wiped, then the
# new init found /etc and /bin empty)
# ... and the same overlay mounted with an empty source: mountinfo then has
# two spaces in a row (was: the parser took the options for the source and
# saw no layers at all, and the wipe went ahead)
for src in overlay '""'; do
	n=ovl-rootfs what="overlay"
	[ "$src" = overlay ] || n=ovl-nosource what="overlay with an empty source"
	ns_prepare
	mkdir -p "$R/lower" "$R/upper" "$R/work"
	cp -a "$NEW/." "$R/lower/"
	PRE='umount "$R/newroot"; '"$BB"' mount -t overlay '"$src"' -o lowerdir=/lower,upperdir=/upper,workdir=/work /newroot'
	ns_run $n $C /newroot /sbin/init
	intact $n "$what with its layers on rootfs: refused before the wipe" \
		"the overlay on /newroot: (lowerdir|upperdir|workdir)=/(lower|upper|work) is a directory of the initramfs"
	[ -f "$R/lower/sbin/init" ] && [ -d "$R/upper" ] && pass "$what on rootfs: its layers are still there" ||
		fail "$what on rootfs: its layers are still there"
done

# only the upper layer on rootfs
ns_prepare
mkdir -p "$R/upper" "$R/work" "$R/lowermnt"
PRE='mount -t tmpfs low "$R/lowermnt"; cp -a "$NEW/." "$R/lowermnt/"; umount "$R/newroot"; '"$BB"' mount -t overlay overlay -o lowerdir=/lowermnt,upperdir=/upper,workdir=/work /newroot'
ns_run ovl-upper $C /newroot /sbin/init
intact ovl-upper "overlay with only its upper layer on rootfs: refused" "upperdir=/upper is a directory of the initramfs"

# a bind mount from rootfs into the new root
ns_prepare
mkdir -p "$R/data" "$NEW/data"
echo precious >"$R/data/file"
PRE='mount --bind "$R/data" "$R/newroot/data"'
ns_run bind $C /newroot /sbin/init
intact bind "a bind mount of an initramfs directory into the new root: refused" \
	"the mount on /newroot/data .* is part of the initramfs"
[ -f "$R/data/file" ] && pass "bind mount: its files are still there" || fail "bind mount: its files are still there"

# --- 3. every mount has a place, every move works, or nothing happens ------
# NEWROOT inside another mount (was: "lies inside the mount /mnt", then the
# switch and the wipe went on)
ns_prepare
mkdir -p "$R/mnt"
PRE='mount -t tmpfs mnt "$R/mnt"; mkdir "$R/mnt/root"; mount -t tmpfs nr "$R/mnt/root"; cp -a "$NEW/." "$R/mnt/root/"'
ns_run inside $C /mnt/root /sbin/init
intact inside "NEWROOT inside another mount: refused, nothing deleted" "the new root /mnt/root lies inside the mount /mnt"

# a mount with no directory in the new root (was: lazily detached, with the
# persistence mount under it)
ns_prepare
mkdir -p "$R/run"
PRE='mount -t tmpfs run "$R/run"; echo keep >"$R/run/f"'
ns_run norun $C /newroot /sbin/init
intact norun "a mount with no directory in the new root: refused" \
	"the mount on /run has no directory /newroot/run in the new root"
ns_prepare
mkdir -p "$R/run"
ln -s /nowhere "$NEW/run"
PRE='mount -t tmpfs run "$R/run"'
ns_run danglingrun $C /newroot /sbin/init
intact danglingrun "a dangling /run in the new root: refused" "the mount on /run has no directory"
ns_prepare
mkdir -p "$R/extra"
PRE='mount -t tmpfs extra "$R/extra"'
ns_run detach -d $C /newroot /sbin/init
has "-d: a mount with no place in the new root is detached, the switch goes on" "$TWORK/detach.out" \
	"detaching /extra" "^NEWINIT pid=1$"

# --- small defects ---------------------------------------------------------
# a FIFO as init (was: the boot hung forever opening it)
ns_prepare
rm "$NEW/sbin/init"
mkfifo "$NEW/sbin/init"
ns_run fifo $C /newroot /sbin/init
intact fifo "a FIFO as init: refused at once" "init /sbin/init \(inside /newroot\) is not a regular file"

# INIT missing on the command line, as PID 1 (was: usage, exit: a panic)
ns_prepare
ns_run noarg $C /newroot
intact noarg "'liveroot switch NEWROOT' as PID 1: rescue shell, not an exit" "need NEWROOT and INIT"

# an ELF interpreter that is not executable (was: accepted, exec failed
# after the wipe)
ns_prepare
dyn=$(command -v dash || command -v bash)
cp "$dyn" "$NEW/sbin/dyninit"
interp=$(readelf -l "$dyn" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
mkdir -p "$NEW$(dirname "$interp")"
cp "$(readlink -f "$interp")" "$NEW$interp"
chmod 644 "$NEW$interp"
ns_run interpnx $C /newroot /sbin/dyninit
intact interpnx "an ELF interpreter without exec permission: refused before the wipe" \
	"ELF interpreter of /sbin/dyninit: $interp \(inside /newroot\) is not executable"

# dry run with -k: lists, kills nothing (was: killed them)
ns_prepare
PRE='chroot "$R" /bin/busybox sleep 30 & sleep 0.3'
ns_run drykill -n -k $C /newroot /sbin/init
has "-n -k: the processes are listed as 'would kill'" "$TWORK/drykill.out" "would kill pid [0-9]+ \(busybox\)"
hasnt "-n -k: nothing is killed" "$TWORK/drykill.out" "^liveroot: killing pid"

# --- 2. a symlink on the persistence filesystem can't move the layer --------
sfs_file=$(dirname "$MEDIUM")/root.sfs
mkdir -p "$M/s/live"
cp "$sfs_file" "$M/s/live/root.sfs"
ext4 "$M/s" "$M/safety-media.ext4" SAFEMEDIA 16 >/dev/null
attach "$M/safety-media.ext4" || { fail "losetup of a test medium"; exit 0; }
media_dev=$LOOP
for tgt in / /dev /run/x; do
	name=persist-link$(echo "$tgt" | tr / _)
	rm -rf "$M/p" && mkdir -p "$M/p"
	ln -s "$tgt" "$M/p/liveroot"
	ext4 "$M/p" "$M/$name.ext4" PERSIST 16 >/dev/null
	attach "$M/$name.ext4"
	ns_prepare
	ns_liveroot "$name" "media=$media_dev" "rw=$LOOP" timeout=5
	o=$TWORK/$name.out
	if grep -qE "liveroot on /dev/loop[0-9]+ is a symlink: refusing it" "$o" &&
		grep -q "^RESCUE" "$o" && ! grep -q "^R:end" "$o" &&
		[ ! -e "$R/upper" ] && [ ! -e "$R/dev/upper" ] && [ ! -e "$R/run/x" ]; then
		pass "persistence: DIR -> $tgt on the stick is refused, nothing created there"
	else
		fail "persistence: DIR -> $tgt on the stick is refused" "$(grep -E 'liveroot:|R:log writable' "$o" | head -5 | tr '\n' ' ')"
	fi
done
# DIR itself fine, DIR/upper a symlink
rm -rf "$M/p" && mkdir -p "$M/p/liveroot"
ln -s /etc "$M/p/liveroot/upper"
ext4 "$M/p" "$M/persist-upper.ext4" PERSIST 16 >/dev/null
attach "$M/persist-upper.ext4"
ns_prepare
ns_liveroot persist-upper "media=$media_dev" "rw=$LOOP" timeout=5
has "persistence: DIR/upper -> /etc is refused" "$TWORK/persist-upper.out" \
	"upper in /run/liveroot/persist/liveroot/upper is a symlink: refusing" "^RESCUE"

# a good persistent layer on btrfs and xfs, found by LABEL= (was: not
# found: their volume_id probes were off); exfat refused by name
for fs in btrfs xfs; do
	if ! command -v "mkfs.$fs" >/dev/null || ! grep -qw "$fs" /proc/filesystems; then
		fail "persistence on $fs by LABEL" "mkfs.$fs or the host's $fs driver missing"
		continue
	fi
	img=$M/persist-$fs.img
	rm -f "$img"; truncate -s 320M "$img"
	"mkfs.$fs" -q -L "LRP$fs" "$img" >/dev/null 2>&1 || mkfs."$fs" -L "LRP$fs" "$img" >/dev/null
	attach "$img"
	ns_prepare
	ns_liveroot "persist-$fs" "media=$media_dev" "rw=LABEL=LRP$fs" timeout=5
	has "persistence on $fs, found by LABEL=" "$TWORK/persist-$fs.out" \
		"^R:log writable layer: persistent, /dev/loop[0-9]+ on /run/liveroot/persist" \
		"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/persist/liveroot/upper" "^R:end"
	losetup -d "$LOOP"
done
if command -v mkfs.exfat >/dev/null; then
	img=$M/persist-exfat.img
	rm -f "$img"; truncate -s 16M "$img"
	mkfs.exfat -L LRPEXFAT "$img" >/dev/null 2>&1
	attach "$img"
	ns_prepare
	ns_liveroot persist-exfat "media=$media_dev" "rw=LABEL=LRPEXFAT" timeout=5
	# (exfat holds a persistence file, not a directory layer; a host
	# kernel without exfat can't mount it at all: either way, refused)
	has "persistence directory on exfat (found by LABEL=): refused with the reason" "$TWORK/persist-exfat.out" \
		"(liveroot is missing, and exfat can't hold a directory layer|can't mount /dev/loop[0-9]+ read-write \(exfat\): its driver is not in the initramfs)" "^RESCUE"
else
	fail "persistence on exfat refused" "mkfs.exfat missing (exfatprogs)"
fi

# the same label on two sticks: refused, nothing written to either
rm -rf "$M/p" && mkdir -p "$M/p"
ext4 "$M/p" "$M/twin1.ext4" TWIN 16 >/dev/null
ext4 "$M/p" "$M/twin2.ext4" TWIN 16 >/dev/null
attach "$M/twin1.ext4"
attach "$M/twin2.ext4"
s1=$(sha256sum <"$M/twin1.ext4") s2=$(sha256sum <"$M/twin2.ext4")
ns_prepare
ns_liveroot twins "media=$media_dev" "rw=LABEL=TWIN" timeout=5
has "the same label on two devices: refused, naming both" "$TWORK/twins.out" \
	"LABEL=TWIN matches both /dev/loop[0-9]+ and /dev/loop[0-9]+: refusing to guess" "^RESCUE"
[ "$s1" = "$(sha256sum <"$M/twin1.ext4")" ] && [ "$s2" = "$(sha256sum <"$M/twin2.ext4")" ] &&
	pass "the same label on two devices: neither was written" ||
	fail "the same label on two devices: neither was written"

# --- hostile media: what the image path names --------------------------------
hostile() { # NAME SETUP-COMMANDS PATTERN LABEL
	rm -rf "$M/h" && mkdir -p "$M/h/live"
	(cd "$M/h" && eval "$2")
	ext4 "$M/h" "$M/hostile-$1.ext4" HOSTILE 16 >/dev/null
	attach "$M/hostile-$1.ext4"
	ns_prepare
	cp "$sfs_file" "$R/escape.sfs"    # a good image on rootfs, outside the media
	ns_liveroot "hostile-$1" "media=$LOOP" timeout=5
	if grep -qE -- "$3" "$TWORK/hostile-$1.out" && grep -q "^RESCUE" "$TWORK/hostile-$1.out" &&
		! grep -q "^R:end" "$TWORK/hostile-$1.out"; then
		pass "$4"
	else
		fail "$4" "$(grep 'liveroot:' "$TWORK/hostile-$1.out" | head -4 | tr '\n' ' ')"
	fi
}
hostile abslink 'ln -s /escape.sfs live/root.sfs' \
	"image /live/root.sfs \(on the media, symlinks resolved inside it\): No such file" \
	"hostile media: an image symlinked out of the media is not followed out"
hostile rellink 'ln -s ../../../../escape.sfs live/root.sfs' \
	"image /live/root.sfs \(on the media, symlinks resolved inside it\): No such file" \
	"hostile media: a relative symlink can't climb out of the media"
hostile dir 'mkdir live/root.sfs' "image /live/root.sfs on the media is not a regular file \(a directory\)" \
	"hostile media: an image that is a directory is refused"
hostile fifo 'mkfifo live/root.sfs' "image /live/root.sfs on the media is not a regular file \(a FIFO\)" \
	"hostile media: an image that is a FIFO is refused at once"
hostile empty ': >live/root.sfs' "image /live/root.sfs on the media is empty" \
	"hostile media: a 0-byte image is refused"
hostile badsb "cp '$sfs_file' live/root.sfs && printf 'hsqs\377\377\377\377\377\377\377\377\377\377\377\377' | dd of=live/root.sfs conv=notrunc status=none" \
	"mount squashfs .* damaged image\?" "hostile media: a squashfs with a corrupt superblock fails to mount, said clearly"
erofs "$ROOT" "$M/good.erofs"
hostile erofsbadsb "cp '$M/good.erofs' live/root.sfs && dd if=/dev/urandom of=live/root.sfs bs=1 seek=1028 count=64 conv=notrunc status=none" \
	"(mount erofs .* damaged image\?|erofs.*(damaged|Invalid|error))" "hostile media: an erofs with a corrupt superblock fails to mount, said clearly"

# --- verify: the bytes hashed are the bytes mounted ---------------------------
sum=$(sha256sum <"$sfs_file" | cut -d' ' -f1)
[ ${#sum} = 64 ] || fail "sha256 of a test image" "got '$sum'"
last=$(printf %s "$sum" | cut -c64)
case $last in 0) other=1 ;; *) other=0 ;; esac
bad=$(printf %s "$sum" | cut -c1-63)$other
ns_prepare
ns_liveroot verify-lastdigit "media=$media_dev" "verify=sha256:$bad" timeout=5
has "verify: a hash that differs only in its last digit is refused" "$TWORK/verify-lastdigit.out" \
	"checksum mismatch for /run/liveroot/media/live/root.sfs" "^RESCUE"
ns_prepare
ns_liveroot verify-loop "media=$media_dev" "verify=sha256:$sum" timeout=5
has "verify: the hash is taken through the loop device that is mounted" "$TWORK/verify-loop.out" \
	"^R:log verified /run/liveroot/media/live/root.sfs: sha256 $sum \(the bytes the loop device delivers\)" "^R:end"

# --- media ---------------------------------------------------------------------
# a read-only media mount never replays a journal (was: a dirty ext4 journal
# was replayed, writing to the device)
cp "$M/safety-media.ext4" "$M/dirty.ext4"
debugfs -w -R "feature needs_recovery" "$M/dirty.ext4" >/dev/null 2>&1
before=$(sha256sum <"$M/dirty.ext4")
attach "$M/dirty.ext4"
ns_prepare
ns_liveroot dirty "media=$LOOP" timeout=5
if grep -q "^R:end" "$TWORK/dirty.out" && [ "$before" = "$(sha256sum <"$M/dirty.ext4")" ]; then
	pass "media: an ext4 with a journal to replay is mounted without writing to it"
else
	fail "media: an ext4 with a journal to replay is mounted without writing to it" \
		"$(grep -E 'liveroot:|EXT4' "$TWORK/dirty.out" | head -3 | tr '\n' ' ')"
fi

# media=/dev/X that gets its medium 2 s late (was: failed at once)
late=$(losetup -f)
ns_prepare
( sleep 2; losetup "$late" "$M/safety-media.ext4" ) &
ns_liveroot late "media=$late" timeout=10
wait
loops="$loops $late"
has "media=/dev/X waits until the device has a medium" "$TWORK/late.out" \
	"found $late on $late after [0-9]{4} ms" "^R:end"

# a persistent device that never appears: the boot stops, says so, after
# the timeout it was given
ns_prepare
t0=$(date +%s)
ns_liveroot nopersist "media=$media_dev" rw=LABEL=NOSUCHSTICK timeout=2
t1=$(date +%s)
has "a missing persistent device stops the boot with the reason" "$TWORK/nopersist.out" \
	"LABEL=NOSUCHSTICK not found within 2 s \(waited 2[0-9]{3} ms\)" \
	"the persistent layer rw=LABEL=NOSUCHSTICK is not there" "^RESCUE"
[ $((t1 - t0)) -ge 2 ] && pass "a missing device: the timeout was really waited" ||
	fail "a missing device: the timeout was really waited" "$((t1 - t0)) s"

# --- break=postmount and break=preswitch stop at different points ----------------
ns_prepare
ns_liveroot brk-post "media=$media_dev" break=postmount timeout=5
ns_prepare
ns_liveroot brk-pre "media=$media_dev" break=preswitch timeout=5
# postmount: before the switch looked at anything; preswitch: after every
# check of the switch, before anything moved (the rescue /bin/sh of these
# tests powers off, so nothing goes on after the break)
if grep -q "break=postmount: shell started" "$TWORK/brk-post.out" &&
	! grep -q "switching root" "$TWORK/brk-post.out" &&
	grep -q "switching root: / is tmpfs" "$TWORK/brk-pre.out" &&
	grep -q "break=preswitch: every check of the switch passed, nothing is moved" "$TWORK/brk-pre.out" &&
	[ -f "$R/etc/marker" ]; then
	pass "break=postmount stops before the switch, break=preswitch after its checks"
else
	fail "break=postmount and break=preswitch are distinct" \
		"$(grep -E 'break=|switching' "$TWORK/brk-post.out" "$TWORK/brk-pre.out" | tr '\n' ' ')"
fi

# the kernel's console syntax at the switch: the device opens, the speed is
# set where it is a terminal (a pipe here: a warning, the switch goes on)
ns_prepare
ns_run consolespeed -c /proc/self/fd/1,115200n8 /newroot /sbin/init
has "switch -c DEV,115200n8: the console opens, init runs" "$TWORK/consolespeed.out" "^NEWINIT pid=1$"

# --- what a review found -------------------------------------------------------
# an ext4 with an orphan list: a "read-only" mount still cleans it up (writes)
# unless the device itself is read-only
cp "$M/safety-media.ext4" "$M/orphan.ext4"
ino=$(debugfs -R "stat /live/root.sfs" "$M/orphan.ext4" 2>/dev/null | sed -n 's/^Inode: *\([0-9]*\).*/\1/p')
debugfs -w -R "ssv last_orphan ${ino:-12}" "$M/orphan.ext4" >/dev/null 2>&1
before=$(sha256sum <"$M/orphan.ext4")
attach "$M/orphan.ext4"
ns_prepare
ns_liveroot orphan "media=$LOOP" toram=yes timeout=5
if [ "$before" = "$(sha256sum <"$M/orphan.ext4")" ] && grep -q "the device read-only while mounted" "$TWORK/orphan.out"; then
	pass "media: an ext4 with an orphan list is not written (the device is read-only while mounted)"
else
	fail "media: an ext4 with an orphan list is not written" "$(grep -E 'liveroot:|orphan' "$TWORK/orphan.out" | head -4 | tr '\n' ' ')"
fi
ro=$(blockdev --getro "$LOOP")
[ "$ro" = 0 ] && pass "media released (toram): the device is writable again" ||
	fail "media released (toram): the device is writable again" "getro $ro"

# (the same label on two partitions of one disk: qemu/70-hostile.sh -- loop
# devices here get no partition scan)

# two mounts stacked on one path: MS_MOVE would take only the top one
ns_prepare
mkdir -p "$R/run" "$NEW/run"
PRE='mount -t tmpfs under "$R/run"; echo lost >"$R/run/f"; mount -t tmpfs over "$R/run"'
ns_run stacked $C /newroot /sbin/init
intact stacked "two mounts stacked on /run: refused" "two mounts are stacked on /run"

# two mounts landing on one directory of the new root (var/run -> /run there)
ns_prepare
mkdir -p "$R/run" "$R/var/run" "$NEW/run" "$NEW/var"
ln -s /run "$NEW/var/run"
PRE='mount -t tmpfs a "$R/run"; mount -t tmpfs b "$R/var/run"'
ns_run sametarget $C /newroot /sbin/init
intact sametarget "two mounts onto one directory of the new root: refused" "one would hide the other"

# an overlay mounted with relative layer paths can't be checked: refused
ns_prepare
mkdir -p "$R/lower" "$R/upper" "$R/work"
cp -a "$NEW/." "$R/lower/"
PRE='umount "$R/newroot"; chroot "$R" /bin/busybox sh -c "cd / && /bin/busybox mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work /newroot"'
ns_run ovl-relative $C /newroot /sbin/init
intact ovl-relative "overlay with relative layer paths: refused" "is a relative path|is a directory of the initramfs"

# "#!" followed by a newline: the kernel can't run it
ns_prepare
printf '#!\n/bin/sh\n' >"$NEW/sbin/init"
ns_run shebang-nl $C /newroot /sbin/init
intact shebang-nl "'#!' with the interpreter on the next line: refused" "'#!' line without interpreter"

# an x86-64 machine number in a 32-bit ELF header: refused
ns_prepare
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\076\000' >"$NEW/sbin/init"
head -c 200 /dev/zero >>"$NEW/sbin/init"
ns_run elfclass $C /newroot /sbin/init
intact elfclass "ELF class that does not go with its machine: refused" "an ELF file for another machine"
