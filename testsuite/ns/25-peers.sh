# The peers' layouts, booted by their own words (a kernel command line with
# no liveroot.* word) as PID 1 of a private namespace: archiso's erofs image
# and airootfs.sha512, dracut's older LiveOS/rootfs.img inside the
# squashfs, live-boot's filesystem.module and persistence.
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
. "$T/lib/media.sh"
trap ns_exit EXIT
for fs in ext4 squashfs overlay erofs; do
	grep -qw "$fs" /proc/filesystems || { fail "namespace peer tests" "the host kernel has no $fs"; exit 0; }
done
sfsimg=$(dirname "$MEDIUM")/root.sfs
# up NAME: the demo root came up on an overlay
nsup() { grep -q '^R:end' "$TWORK/$1.out" && grep -qE '^R:mountinfo .* / / .* - overlay ' "$TWORK/$1.out"; }
# medium DIR LABEL: DIR as a read-only ext4 medium ($LOOP)
medium() { ext4 "$1" "$1.ext4" "$2" 24 >/dev/null && attach -r "$1.ext4"; }
# peers_boot NAME CMDLINE: liveroot as PID 1 with that kernel command line
peers_boot() { ns_prepare; NSCMD=$2 ns_liveroot "$1"; }
ok_or_say() { # NAME WHAT PATTERN...: came up, and each pattern is there
	n=$1 what=$2; shift 2
	if nsup "$n"; then has "$what" "$TWORK/$n.out" "$@"
	else fail "$what" "$(grep -E 'liveroot:|RESCUE' "$TWORK/$n.out" | tail -4 | tr '\n' ' ')"; fi
}

# --- archiso: airootfs.erofs (no .sfs), checksum=y checks airootfs.sha512 ---------
a=$M/arch/arch/x86_64
rm -rf "$M/arch" && mkdir -p "$a"
erofs "$ROOT" "$a/airootfs.erofs"
(cd "$a" && sha512sum airootfs.erofs >airootfs.sha512)
h=$(cut -d' ' -f1 "$a/airootfs.sha512")
medium "$M/arch" ARCH_TEST && adev=$LOOP
peers_boot archerofs "archisobasedir=arch archisodevice=$adev checksum=y"
ok_or_say archerofs "archiso: airootfs.erofs found (no .sfs), checked against airootfs.sha512" \
	"^R:log peer word: checksum=y -> verify=sha512" \
	"^R:log verified /run/liveroot/media/arch/x86_64/airootfs.erofs: sha512 $h " \
	"^R:mountinfo .* /run/liveroot/layer0 ro.* - erofs "
peers_boot archram "archisobasedir=arch archisodevice=$adev checksum=y copytoram=y"
ok_or_say archram "archiso copytoram=y checksum=y: sha512 checked in the copy pass, media released" \
	"^R:log verified /run/liveroot/media/arch/x86_64/airootfs.erofs: sha512 $h \(while copying it to RAM\)" \
	"^R:log released the media"
detach "$adev"
# a wrong hash, and a hash file that names another file: no boot, nothing mounted from it
for bad in wrong other; do
	if [ $bad = wrong ]; then
		printf '%0128d  airootfs.erofs\n' 0 >"$a/airootfs.sha512"
		want="checksum mismatch for /run/liveroot/media/arch/x86_64/airootfs.erofs"
	else
		printf '%s  evil.erofs\n' "$h" >"$a/airootfs.sha512"
		want="verify=sha512: .*airootfs.sha512 names another file, not airootfs.erofs: refusing it"
	fi
	medium "$M/arch" ARCH_TEST && adev=$LOOP
	peers_boot "arch$bad" "archisobasedir=arch archisodevice=$adev checksum=y"
	intact "arch$bad" "archiso checksum=y, airootfs.sha512 $(case $bad in wrong) echo "with a wrong hash";; *) echo "naming another file";; esac): refused, rescue shell" "$want"
	hasnt "archiso checksum=y ($bad): no layer mounted" "$TWORK/arch$bad.out" "mounted .* on /run/liveroot/layer0"
	detach "$adev"
done

# checksum=y without airootfs.sha512: archiso stops too; both names said
rm -f "$a/airootfs.sha512"
medium "$M/arch" ARCH_TEST && adev=$LOOP
peers_boot archnosum "archisobasedir=arch archisodevice=$adev checksum=y"
intact archnosum "archiso checksum=y without a hash file: refused, both names said" \
	"verify=sha512: neither /arch/x86_64/airootfs.erofs.sha512 nor /arch/x86_64/airootfs.sha512 is on the media"
detach "$adev"

# --- dracut's older layout: squashfs.img holding LiveOS/rootfs.img (ext4) ------------
rm -rf "$M/dr" "$M/dri" && mkdir -p "$M/dr/LiveOS" "$M/dri/LiveOS"
mkfs.ext4 -q -F -L _Fedora-Live -d "$ROOT" "$M/dri/LiveOS/rootfs.img" 16M >/dev/null
sfs "$M/dri" "$M/dr/LiveOS/squashfs.img"
medium "$M/dr" Fedora-Live && ddev=$LOOP
peers_boot dracutold "root=live:$ddev rd.live.image"
ok_or_say dracutold "dracut's older layout: the ext4 rootfs.img inside squashfs.img is the root" \
	"^R:log dracut's older layout: the root is /run/liveroot/layer0/LiveOS/rootfs.img, mounted read-only on /run/liveroot/layer0-rootfs" \
	"^R:mountinfo .* /run/liveroot/layer0-rootfs ro,.* - ext4 /dev/loop" \
	"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/layer0-rootfs," \
	"^R:release liveroot demo root$"
peers_boot dracutoldram "root=live:$ddev rd.live.image rd.live.ram"
ok_or_say dracutoldram "dracut's older layout with rd.live.ram: the squashfs in RAM, rootfs.img from it" \
	"^R:log released the media" "^R:log dracut's older layout: the root is /run/liveroot/layer0/LiveOS/rootfs.img"
detach "$ddev"
# rootfs.img that is no ext filesystem: said, no boot
head -c 1048576 /dev/urandom >"$M/dri/LiveOS/rootfs.img"
sfs "$M/dri" "$M/dr/LiveOS/squashfs.img"
medium "$M/dr" Fedora-Live && ddev=$LOOP
peers_boot dracutbad "root=live:$ddev rd.live.image"
intact dracutbad "dracut's older layout, rootfs.img not ext4: refused clearly, rescue shell" \
	"LiveOS/rootfs.img \(dracut's older layout: an ext4 image inside the squashfs\) holds no ext2/3/4 filesystem"
detach "$ddev"
# a directory named LiveOS/rootfs.img is not that layout: the squashfs is the root
rm -rf "$M/dri" && mkdir -p "$M/dri" && cp -a "$ROOT/." "$M/dri/" && mkdir -p "$M/dri/LiveOS/rootfs.img"
sfs "$M/dri" "$M/dr/LiveOS/squashfs.img"
medium "$M/dr" Fedora-Live && ddev=$LOOP
peers_boot dracutdir "root=live:$ddev rd.live.image"
ok_or_say dracutdir "a directory LiveOS/rootfs.img in the squashfs: not the older layout, the squashfs is the root" \
	"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/layer0,"
detach "$ddev"
rm -rf "$M/dr" "$M/dri" "$M/dr.ext4"

# --- live-boot: filesystem.module lists the images and their order -------------------
rm -rf "$M/lb" "$M/lbx" "$M/lby" && mkdir -p "$M/lb/live" "$M/lbx/etc" "$M/lby/etc"
cp "$sfsimg" "$M/lb/live/filesystem.squashfs"
echo x >"$M/lbx/etc/lb-x" && sfs "$M/lbx" "$M/lb/live/aa-x.squashfs"
echo y >"$M/lby/etc/lb-y" && sfs "$M/lby" "$M/lb/live/zz-y.squashfs"
printf 'filesystem.squashfs\nzz-y.squashfs\n' >"$M/lb/live/filesystem.module"
printf 'filesystem.squashfs aa-x.squashfs\n' >"$M/lb/live/mini.module"
medium "$M/lb" d-live && ldev=$LOOP
peers_boot lbmod "boot=live live-media=$ldev"
ok_or_say lbmod "live-boot filesystem.module: only the images it lists, in its order (bottom first)" \
	"^R:log 2 image\(s\) listed in /live/filesystem.module, stacked in its order: /live/filesystem.squashfs" \
	"^R:mountinfo .* / / .* - overlay .*lowerdir=/run/liveroot/layer1:/run/liveroot/layer0," \
	"^R:log mounted /run/liveroot/media/live/zz-y.squashfs .* on /run/liveroot/layer1"
hasnt "live-boot filesystem.module: an image it does not list is not stacked" "$TWORK/lbmod.out" "aa-x.squashfs"
peers_boot lbmini "boot=live live-media=$ldev module=mini"
ok_or_say lbmini "live-boot module=mini: mini.module lists them" \
	"^R:log peer word: module=mini -> image.module=mini" \
	"^R:log 2 image\(s\) listed in /live/mini.module" \
	"^R:log mounted /run/liveroot/media/live/aa-x.squashfs .* on /run/liveroot/layer1"
detach "$ldev"
# a list that points out of the directory: refused
printf 'filesystem.squashfs ../../etc/passwd\n' >"$M/lb/live/filesystem.module"
medium "$M/lb" d-live && ldev=$LOOP
peers_boot lbevil "boot=live live-media=$ldev"
intact lbevil "live-boot filesystem.module naming ../../etc/passwd: the list is refused, rescue shell" \
	"filesystem.module names '../../etc/passwd': not an image file in /live, refusing the list"
detach "$ldev"
# a name holding "|" is a name, not image=A|B alternatives
printf 'nonexistent|filesystem.squashfs\n' >"$M/lb/live/filesystem.module"
medium "$M/lb" d-live && ldev=$LOOP
peers_boot lbbar "boot=live live-media=$ldev"
intact lbbar "live-boot filesystem.module naming 'a|b': one name, not alternatives (not found: no boot)" \
	"image /live/nonexistent\|filesystem.squashfs .*No such file"
detach "$ldev"
rm -f "$M/lb/live/filesystem.module" "$M/lb/live/mini.module"

# --- live-boot persistence: a filesystem labelled "persistence", if there is one -------
medium "$M/lb" d-live && ldev=$LOOP
peers_boot lbnopers "boot=live live-media=$ldev persistence"
ok_or_say lbnopers "live-boot persistence without such a filesystem: boots, changes in RAM, said" \
	"^R:log peer word: persistence -> rw=LABEL=persistence" \
	"^R:log the persistent layer rw=LABEL=persistence is not there: this session's changes stay in RAM" \
	"^R:log writable layer: tmpfs on /run/liveroot/rw"
lab=lrp$$
rm -rf "$M/pe" && mkdir -p "$M/pe" && echo "/ union" >"$M/pe/persistence.conf"
ext4 "$M/pe" "$M/pe.ext4" "$lab" 16 >/dev/null
attach "$M/pe.ext4" && pdev=$LOOP
peers_boot lbpers "boot=live live-media=$ldev persistence persistence-label=$lab"
ok_or_say lbpers "live-boot persistence persistence-label=: liveroot's layer on that filesystem" \
	"^R:log peer word: persistence persistence-label=$lab -> rw=LABEL=$lab" \
	"^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/persist/liveroot/upper"
detach "$pdev"
d=$(debugfs -R 'ls -l /liveroot' "$M/pe.ext4" 2>/dev/null | grep -c 'upper\|work')
[ "$d" = 2 ] && pass "live-boot persistence: liveroot/upper and work made on the stick, persistence.conf kept" ||
	fail "live-boot persistence: liveroot/upper and work on the stick" "$(debugfs -R 'ls -l /' "$M/pe.ext4" 2>&1 | tail -5)"
detach "$ldev"
rm -rf "$M/lb" "$M/lbx" "$M/lby" "$M/pe" "$M/arch" "$M"/*.ext4
