# Persistence files, the media holding the layer, damaged layers and the
# shutdown stage's installation: the whole applet as PID 1 of a private
# namespace on the host kernel (ext4 sticks; FAT and exFAT sticks boot in
# qemu/80-persist).
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
. "$T/lib/media.sh"
trap ns_exit EXIT
sfs=$(dirname "$MEDIUM")/root.sfs
mkdir -p "$M/pm/live"
cp "$sfs" "$M/pm/live/root.sfs"
ext4 "$M/pm" "$M/pmedia.ext4" PMEDIA 16 >/dev/null
attach "$M/pmedia.ext4" || { fail "losetup of a test medium"; exit 0; }
media=$LOOP
# stick DIR IMG: an ext4 stick with DIR's files
stick() { rm -f "$2"; mkfs.ext4 -q -F -L PSTICK -d "$1" "$2" "${3:-32M}"; }
# on_stick IMG PATH: PATH's bytes, from the stick image (debugfs, read-only)
on_stick() { debugfs -R "cat $2" "$1" 2>/dev/null; }

# --- a persistence file (scripts/mkpersist), found by what it holds -------------
rm -rf "$M/ps" && mkdir -p "$M/ps/boxes"
"$TOP/scripts/mkpersist" "$M/ps/boxes/my.layer" 24M >/dev/null
stick "$M/ps" "$M/ps.ext4"
attach "$M/ps.ext4"
ns_prepare
ns_liveroot pfile "media=$media" "rw=$LOOP:/boxes/my.layer" timeout=5
has "a persistence file (ext4 made by mkpersist, any name) is loop-mounted as the layer" "$TWORK/pfile.out" \
	"^R:log mounted the persistence file boxes/my.layer on /dev/loop[0-9]+ \(/dev/loop[0-9]+, direct I/O on\) read-write on /run/liveroot/rwfile" \
	"^R:mountinfo .* /run/liveroot/rwfile rw,.* - ext4 /dev/loop" \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/rwfile/upper,workdir=/run/liveroot/rwfile/work" "^R:end"
detach "$LOOP"
debugfs -R "ls -l /upper" "$M/ps/boxes/my.layer" >/dev/null 2>&1 &&
	pass "... and its upper directory is inside the file" || fail "... upper inside the file" "no /upper in it"

# --- rw.create: made on first boot, ext2, without holes ---------------------------
rm -rf "$M/pc" && mkdir -p "$M/pc"
stick "$M/pc" "$M/pc.ext4"
attach "$M/pc.ext4"
ns_prepare
ns_liveroot pcreate "media=$media" "rw=$LOOP:/persist.img" rw.create=20M timeout=5
has "rw.create=20M: the file is made (ext2) and used" "$TWORK/pcreate.out" \
	"^R:log rw.create: made persist.img on /dev/loop[0-9]+: 20 MiB, ext2 \(this initramfs has no ext4 template: no journal\), in [0-9]+ ms" \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/rwfile/upper" "^R:end"
detach "$LOOP"
on_stick "$M/pc.ext4" /persist.img >"$TWORK/pcreate.img"
blocks=$(debugfs -R "stat /persist.img" "$M/pc.ext4" 2>/dev/null | sed -n 's/.*Blockcount: \([0-9]*\).*/\1/p')
if [ "$(wc -c <"$TWORK/pcreate.img")" = $((20 << 20)) ] && file -b "$TWORK/pcreate.img" | grep -q "ext2 filesystem" &&
	[ "${blocks:-0}" -ge $((20 << 11)) ]; then
	pass "... on the stick: 20 MiB, ext2, every block allocated ($blocks sectors)"
else
	fail "... on the stick: 20 MiB ext2 without holes" "$(wc -c <"$TWORK/pcreate.img") bytes, $(file -b "$TWORK/pcreate.img" | cut -c1-40), $blocks sectors"
fi
# a second boot uses it (no second creation)
attach "$M/pc.ext4"
ns_prepare
ns_liveroot pcreate2 "media=$media" "rw=$LOOP:/persist.img" rw.create=20M timeout=5
has "rw.create: the second boot uses the file it made" "$TWORK/pcreate2.out" \
	"^R:log writable layer: persistent, the file persist.img" "^R:end"
hasnt "... and does not make it again" "$TWORK/pcreate2.out" "rw.create: mak"
detach "$LOOP"
# with the initramfs's template (EXTRA_MODULES=ext4 puts it in): ext4 with a
# journal, grown by the kernel; an unfinished file of an earlier boot (a
# power cut while it was made) is removed first
if persist_initramfs && [ -f "$M/initramfs-persist.img.stage/lib/liveroot/persist.ext4.xz" ]; then
	rm -rf "$M/pt" && mkdir -p "$M/pt"
	head -c 1M /dev/zero >"$M/pt/.layer.img.liveroot-new"
	stick "$M/pt" "$M/pt.ext4" 256M
	attach "$M/pt.ext4"
	ns_prepare
	mkdir -p "$R/lib/liveroot"
	cp "$M/initramfs-persist.img.stage/lib/liveroot/persist.ext4.xz" "$R/lib/liveroot/"
	ns_liveroot ptpl "media=$media" "rw=$LOOP:/layer.img" rw.create=200M timeout=5
	detach "$LOOP"
	# (growing it is an online resize: CAP_SYS_RESOURCE, which a boot has; a
	# sandbox may not -- then the failure must be clean: qemu/80 grows it)
	if grep -q "cap_sys_resource" <<EOC
$(capsh --decode="$(sed -n 's/^CapEff:\t//p' /proc/self/status)" 2>/dev/null)
EOC
	then
		has "rw.create with the template: ext4 with a journal, 200 MiB; an unfinished file removed first" "$TWORK/ptpl.out" \
			"^R:log rw.create: removed an unfinished .layer.img.liveroot-new from an earlier boot" \
			"^R:log rw.create: made layer.img on /dev/loop[0-9]+: 200 MiB, ext4 with a journal" \
			"^R:mountinfo .* /run/liveroot/rwfile rw,.* - ext4 " "^R:end"
		on_stick "$M/pt.ext4" /layer.img >"$TWORK/ptpl.img"
		if e2fsck -fn "$TWORK/ptpl.img" >"$TWORK/ptpl.fsck" 2>&1 &&
			dumpe2fs -h "$TWORK/ptpl.img" 2>/dev/null | grep -q "has_journal" &&
			[ "$(dumpe2fs -h "$TWORK/ptpl.img" 2>/dev/null | sed -n 's/^Block count: *//p')" = 51200 ]; then
			pass "... e2fsck finds it clean: ext4, a journal, grown to 51200 blocks of 4 KiB"
		else
			fail "... e2fsck finds it clean, journal, 200 MiB" "$(tail -3 "$TWORK/ptpl.fsck" | tr '\n' ' ')"
		fi
	else
		has "rw.create that fails halfway (no CAP_SYS_RESOURCE here to grow it): said, rescue shell" "$TWORK/ptpl.out" \
			"rw.create: removed an unfinished .layer.img.liveroot-new from an earlier boot" \
			"rw.create: growing the filesystem to 51200 blocks: Operation not permitted" "^RESCUE"
		debugfs -R "ls /" "$M/pt.ext4" 2>/dev/null | grep -q "layer.img" &&
			fail "... no layer.img on the stick" "it exists" || pass "... no layer.img on the stick"
	fi
	debugfs -R "ls /" "$M/pt.ext4" 2>/dev/null | grep -q "liveroot-new" &&
		fail "... no temporary file left on the stick" "$(debugfs -R 'ls /' "$M/pt.ext4" 2>/dev/null)" ||
		pass "... no temporary file left on the stick"
else
	fail "the rw.create template in the initramfs with ext4" "not in $M/initramfs-persist.img.stage"
fi
# too big for the free space: refused, nothing left behind
attach "$M/pc.ext4"
ns_prepare
ns_liveroot pcreate-big "media=$media" "rw=$LOOP:/big.img" rw.create=1G timeout=5
has "rw.create bigger than the free space: refused before writing" "$TWORK/pcreate-big.out" \
	"rw.create: big.img on /dev/loop[0-9]+ needs 1024 MiB, its filesystem has [0-9]+ MiB free" "^RESCUE"
detach "$LOOP"
debugfs -R "stat /big.img" "$M/pc.ext4" 2>&1 | grep -q "File not found" &&
	pass "... and no file is left on the stick" || fail "... no file left" "big.img exists"

# --- hostile files where the layer should be ---------------------------------------
rm -rf "$M/ph" && mkdir -p "$M/ph"
head -c 8M /dev/urandom >"$M/ph/noise.img"
"$TOP/scripts/mkpersist" "$M/ph/real.img" 16M >/dev/null
ln -s real.img "$M/ph/link.img"
mkfifo "$M/ph/fifo.img"
stick "$M/ph" "$M/ph.ext4"
# what the stick holds: names, sizes, contents (mounting it read-write to
# look for the layer updates its superblock; its files must not change)
stick_files() { for f in noise.img real.img; do on_stick "$1" "/$f" | sha256sum; done
	debugfs -R "ls -l /" "$1" 2>/dev/null | awk '{print $NF, $(NF-4)}' | sort; }
sum0=$(stick_files "$M/ph.ext4")
for c in "noise.img:holds no ext2/3/4 filesystem .*no file on it was changed" \
	"link.img:link.img on /dev/loop[0-9]+ is a symlink: refusing it" \
	"fifo.img:fifo.img on /dev/loop[0-9]+ is not a regular file or directory: refusing it"; do
	f=${c%%:*} msg=${c#*:}
	attach "$M/ph.ext4"
	ns_prepare
	ns_liveroot "phostile-$f" "media=$media" "rw=$LOOP:/$f" timeout=5
	has "persistence: $f is refused with the reason, rescue shell" "$TWORK/phostile-$f.out" "$msg" "^RESCUE"
	detach "$LOOP"
done
[ "$(stick_files "$M/ph.ext4")" = "$sum0" ] && pass "... and the stick's files are unchanged (names, sizes, contents)" ||
	fail "... the stick's files are unchanged" "$(stick_files "$M/ph.ext4" | tr '\n' ' ')"

# --- damaged layers: errors -> read-only, changes in RAM; unclean: said ---------------
rm -rf "$M/pd" && mkdir -p "$M/pd"
"$TOP/scripts/mkpersist" "$M/pd/err.img" 16M >/dev/null
mkdir -p "$M/mnt-pd" && mount -o loop "$M/pd/err.img" "$M/mnt-pd" && mkdir -p "$M/mnt-pd/upper/root" "$M/mnt-pd/work" &&
	echo saved-before >"$M/mnt-pd/upper/root/note" && umount "$M/mnt-pd"
cp "$M/pd/err.img" "$M/pd/dirty.img"
cp "$M/pd/err.img" "$M/pd/ext2.img"
debugfs -w -R "ssv state 3" "$M/pd/err.img" >/dev/null 2>&1          # valid + errors
debugfs -w -R "feature needs_recovery" "$M/pd/dirty.img" >/dev/null 2>&1
rm -rf "$M/pd-tree" && mkdir -p "$M/pd-tree/upper/root" "$M/pd-tree/work" && echo saved >"$M/pd-tree/upper/root/note"
mke2fs -q -F -t ext2 -d "$M/pd-tree" "$M/pd/ext2.img" 16M 2>/dev/null
debugfs -w -R "ssv state 0" "$M/pd/ext2.img" >/dev/null 2>&1         # not clean, no journal
stick "$M/pd" "$M/pd.ext4"
attach "$M/pd.ext4"
ns_prepare
ns_liveroot perr "media=$media" "rw=$LOOP:/err.img" timeout=5
has "a layer with filesystem errors: said, mounted read-only, shown below a tmpfs" "$TWORK/perr.out" \
	"WARNING: the persistent layer err.img on /dev/loop[0-9]+ has filesystem errors .*READ-ONLY" \
	"^R:mountinfo .* /run/liveroot/rwfile ro,.* - ext4 " \
	"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/rwfile/upper:/run/liveroot/layer0,upperdir=/run/liveroot/rw/upper" "^R:end"
ns_prepare
ns_liveroot pdirty "media=$media" "rw=$LOOP:/dirty.img" timeout=5
has "a layer not cleanly unmounted (journal): said, the kernel replays, used read-write" "$TWORK/pdirty.out" \
	"^R:log the persistent layer dirty.img on /dev/loop[0-9]+ was not cleanly unmounted" \
	"^R:mountinfo .* /run/liveroot/rwfile rw,.* - ext4 " "^R:end"
ns_prepare
ns_liveroot pext2 "media=$media" "rw=$LOOP:/ext2.img" timeout=5
has "an ext2 layer not cleanly unmounted: said, read-only (no journal to trust)" "$TWORK/pext2.out" \
	"WARNING: the persistent layer ext2.img on /dev/loop[0-9]+ \(ext2, no journal\) was not cleanly unmounted: using it READ-ONLY" \
	"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/rwfile/upper:" "^R:end"
detach "$LOOP"

# --- the media holds the layer: one read-write mount -----------------------------------
rm -rf "$M/po" && mkdir -p "$M/po/live"
cp "$sfs" "$M/po/live/root.sfs"
stick "$M/po" "$M/po.ext4"
attach "$M/po.ext4"
ns_prepare
ns_liveroot pone "media=$LOOP" "rw=LABEL=PSTICK:/layer" timeout=5
has "media and layer on one filesystem (named two ways): mounted read-write once, said so" "$TWORK/pone.out" \
	"^R:log media and persistent layer on one filesystem \(/dev/loop[0-9]+, ext4\): mounted read-write once" \
	"^R:mountinfo .* /run/liveroot/media rw,.* - ext4 " \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/media/layer/upper" "^R:end"
hasnt "... no second mount of it, no EBUSY" "$TWORK/pone.out" "/run/liveroot/persist" "Device or resource busy"
ns_prepare
ns_liveroot pone-toram "media=$LOOP" "rw=$LOOP:/layer" toram=yes timeout=5
has "... with toram: the media stays mounted (it holds the layer)" "$TWORK/pone-toram.out" \
	"^R:log the media holds the persistent layer: it stays mounted" "^R:mountinfo .* /run/liveroot/media rw," "^R:end"
detach "$LOOP"

# --- the shutdown stage: when it is useful, or asked for ---------------------------------
ns_prepare
ns_liveroot sd-auto "media=$media" timeout=5
hasnt "shutdown=auto, tmpfs layer, fixed disk: no shutdown stage" "$TWORK/sd-auto.out" "^R:exec /run/initramfs/shutdown"
ns_prepare
ns_liveroot sd-yes "media=$media" shutdown=yes timeout=5
has "shutdown=yes: /run/initramfs/shutdown and its busybox, RAM cost in the log" "$TWORK/sd-yes.out" \
	"^R:exec /run/initramfs/shutdown" "^R:exec /run/initramfs/busybox" \
	"^R:log shutdown stage: /run/initramfs/shutdown \(liveroot, [0-9]+ KiB of RAM\)" "^R:log mem shutdown "
attach "$M/po.ext4"
ns_prepare
ns_liveroot sd-persist "media=$media" "rw=$LOOP:/layer" timeout=5
has "shutdown=auto with a persistent layer: installed" "$TWORK/sd-persist.out" "^R:exec /run/initramfs/shutdown"
ns_prepare
ns_liveroot sd-no "media=$media" "rw=$LOOP:/layer" shutdown=no timeout=5
hasnt "shutdown=no: not installed" "$TWORK/sd-no.out" "^R:exec /run/initramfs/shutdown"
detach "$LOOP"

# --- a layer directory in a btrfs subvolume (its own st_dev, yet the same
# filesystem: was refused as "on another filesystem") ---------------------------------
if command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems; then
	img=$M/psub.btrfs
	rm -f "$img"; truncate -s 320M "$img"
	mkfs.btrfs -q -L PSUB "$img" >/dev/null 2>&1
	mkdir -p "$M/mnt-sub"
	mount -o loop "$img" "$M/mnt-sub" && btrfs -q subvolume create "$M/mnt-sub/@persist" >/dev/null &&
		umount "$M/mnt-sub"
	attach "$img"
	ns_prepare
	ns_liveroot psub "media=$media" "rw=$LOOP:/@persist/layer" timeout=5
	has "a layer directory inside a btrfs subvolume is accepted" "$TWORK/psub.out" \
		"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/persist/@persist/layer/upper" "^R:end"
	detach "$LOOP"
else
	fail "btrfs subvolume layer" "mkfs.btrfs or the host's btrfs missing"
fi

# --- live-boot's "persistence" (if there is one): one that is there but can't
# be used (a FAT filesystem labelled persistence, no layer file on it) does not
# stop the boot: the changes stay in RAM, nothing of it stays mounted --------
rm -rf "$M/pv" && mkdir -p "$M/pv"
echo "not a layer" >"$M/pv/readme.txt"
vfat "$M/pv" "$M/pv.vfat" persistence 1234ABCD 16
rm -rf "$M/pvm" && mkdir -p "$M/pvm/live"
cp "$sfs" "$M/pvm/live/filesystem.squashfs"
ext4 "$M/pvm" "$M/pvm.ext4" PVMEDIA 16 >/dev/null
attach "$M/pvm.ext4"
pvmedia=$LOOP
attach "$M/pv.vfat"
ns_prepare
NSCMD="boot=live persistence" ns_liveroot pvfat "media=$pvmedia" timeout=5
detach "$LOOP"
detach "$pvmedia"
has "boot=live persistence on a FAT 'persistence' without a layer: boots, the changes in RAM, said" \
	"$TWORK/pvfat.out" "WARNING: the persistent layer rw=LABEL=persistence.* can't be used .*stay in RAM" \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/rw/upper" "^R:end"
hasnt "... and nothing of it stays mounted" "$TWORK/pvfat.out" "^R:mountinfo .* /run/liveroot/persist "
