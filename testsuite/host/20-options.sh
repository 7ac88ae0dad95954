# Option parsing: applet arguments, the kernel command line (wins), bad
# and overlong values.  `liveroot -n -C FILE` parses and prints.
. "$T/lib/testlib.sh"
BB=$BUSYBOX
cl=$TWORK/cmdline

parse() { # CMDLINE ARGS... -> stdout+stderr, status
	printf '%s\n' "$1" >"$cl"; shift
	"$BB" liveroot -n -C "$cl" "$@" 2>&1
}
expect() { # NAME KEY=VALUE CMDLINE ARGS...
	n=$1 kv=$2 c=$3; shift 3
	out=$(parse "$c" "$@")
	echo "$out" | grep -qxF "$kv" && pass "$n" || fail "$n" "wanted $kv, got: $(echo "$out" | tr '\n' ' ')"
}
refuse() { # NAME PATTERN CMDLINE ARGS...
	n=$1 pat=$2 c=$3; shift 3
	if out=$(parse "$c" "$@"); then fail "$n" "accepted: $(echo "$out" | tr '\n' ' ')"; return; fi
	echo "$out" | grep -qE -- "$pat" && pass "$n" || fail "$n" "message: $out"
}

expect "defaults: image" "image=/live/root.sfs" "liveroot.label=X"
expect "defaults: init" "init=/sbin/init" "liveroot.label=X"
expect "defaults: timeout" "timeout=30" "liveroot.label=X"
expect "defaults: rw" "rw=tmpfs" "liveroot.label=X"
expect "label= becomes media=LABEL=" "media=LABEL=LIVE" "quiet liveroot.label=LIVE"
expect "media=UUID=" "media=UUID=1234-ABCD" "liveroot.media=UUID=1234-ABCD"
expect "media=/dev/" "media=/dev/sr0" "liveroot.media=/dev/sr0"
expect "argument used without cmdline" "media=LABEL=ARG" "" media=LABEL=ARG
expect "kernel command line wins" "media=LABEL=K" "liveroot.media=LABEL=K" media=LABEL=ARG
expect "quoted value with a space" "image=/a b/c.sfs" 'liveroot.label=X "liveroot.image=/a b/c.sfs"'
expect "timeout" "timeout=5" "liveroot.label=X liveroot.timeout=5"
expect "rw size" "rw_size=256M" "liveroot.label=X liveroot.rw=tmpfs:256M"
expect "rw percent" "rw_size=50%" "liveroot.label=X liveroot.rw=tmpfs:50%"
expect "plain init=" "init=/bin/sh" "init=/bin/sh liveroot.label=X"
expect "liveroot.init= beats init=" "init=/x/init" "liveroot.init=/x/init init=/bin/sh liveroot.label=X"
expect "liveroot.init= beats a later init=" "init=/x/init" "liveroot.label=X liveroot.init=/x/init init=/bin/sh"
expect "break" "break=postmount" "liveroot.label=X liveroot.break=postmount"
expect "modules" "modules=ext4,vfat" "liveroot.label=X liveroot.modules=ext4,vfat"
expect "quiet" "quiet=1" "liveroot.label=X liveroot.quiet"
expect "debug" "debug=1" "liveroot.label=X liveroot.debug"
expect "after -- is init's" "timeout=30" "liveroot.label=X -- liveroot.timeout=5"

refuse "no media" "no media given" "quiet"
refuse "unknown parameter" "unknown parameter 'imgae'" "liveroot.label=X liveroot.imgae=/a"
refuse "timeout not a number" "timeout=ten" "liveroot.label=X liveroot.timeout=ten"
refuse "timeout absurd" "0 to 3600" "liveroot.label=X liveroot.timeout=99999999999"
refuse "timeout negative" "timeout=-1" "liveroot.label=X liveroot.timeout=-1"
refuse "rw zero size" "rw=tmpfs:0" "liveroot.label=X liveroot.rw=tmpfs:0"
refuse "rw percent > 100" "rw=tmpfs:150%" "liveroot.label=X liveroot.rw=tmpfs:150%"
refuse "rw garbage" "rw=ramdisk" "liveroot.label=X liveroot.rw=ramdisk"
refuse "image relative" "absolute path" "liveroot.label=X liveroot.image=live/root.sfs"
refuse "image with .." "without '..'" "liveroot.label=X liveroot.image=/live/../../etc/x"
refuse "init with .." "without '..'" "liveroot.label=X liveroot.init=/../sbin/init"
refuse "media bad form" "LABEL=" "liveroot.media=LIVE"
refuse "empty label" "media=LABEL=: use LABEL=x" "liveroot.media=LABEL="
refuse "break bad" "premount, postmount or preswitch" "liveroot.label=X liveroot.break=later"
refuse "modules bad chars" "module names" "liveroot.label=X liveroot.modules=a;rm"
refuse "value needed" "needs a value" "liveroot.label=X liveroot.image="
long=$(head -c 3000 /dev/zero | tr '\0' a)
refuse "overlong value" "too long" "liveroot.label=$long"
refuse "overlong image" "too long" "liveroot.label=X liveroot.image=/$long"
refuse "bad argument" "unknown parameter 'bogus'" "liveroot.label=X" bogus=1
refuse "missing -C file" "nonexistent" "" -C /nonexistent/cmdline media=LABEL=X

# --- the mount stack's parameters ---------------------------------------
expect "media=PARTUUID=" "media=PARTUUID=0a1b2c3d-01" "liveroot.media=PARTUUID=0a1b2c3d-01"
expect "media=PARTLABEL=" "media=PARTLABEL=live" "liveroot.media=PARTLABEL=live"
expect "media=auto" "media=auto" "liveroot.media=auto"
expect "iso=" "iso=/isos/live.iso" "liveroot.label=X liveroot.iso=/isos/live.iso"
expect "image= one" "layer0=/live/a.erofs" "liveroot.label=X liveroot.image=/live/a.erofs"
expect "image= stacked: bottom" "layer0=/live/base.sfs" "liveroot.label=X liveroot.image=/live/base.sfs,/live/top.sfs"
expect "image= stacked: top" "layer1=/live/top.sfs" "liveroot.label=X liveroot.image=/live/base.sfs,/live/top.sfs"
expect "toram default" "toram=no" "liveroot.label=X"
expect "toram=yes" "toram=yes" "liveroot.label=X liveroot.toram=yes"
expect "toram=auto" "toram=auto" "liveroot.label=X liveroot.toram=auto"
expect "toram=background" "toram=background" "liveroot.label=X liveroot.toram=background"
expect "eject alone" "eject=1" "liveroot.label=X liveroot.toram=yes liveroot.eject"
expect "eject=no" "eject=0" "liveroot.label=X liveroot.eject=no"
expect "zram=64M" "zram=64M" "liveroot.label=X liveroot.zram=64M"
expect "zram=50%" "zram=50%" "liveroot.label=X liveroot.zram=50%"
expect "verify=sha256" "verify=sha256" "liveroot.label=X liveroot.verify=sha256"
h=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
expect "verify=sha256:HEX" "verify=sha256:$h" "liveroot.label=X liveroot.verify=sha256:$h"
expect "rw persistent by label: device" "rw_dev=LABEL=persist" "liveroot.label=X liveroot.rw=LABEL=persist"
expect "rw persistent by label: default dir" "rw_dir=liveroot" "liveroot.label=X liveroot.rw=LABEL=persist"
expect "rw persistent with dir" "rw_dir=boxes/one" "liveroot.label=X liveroot.rw=UUID=1234:boxes/one"
expect "rw persistent /dev" "rw_dev=/dev/vdb1" "liveroot.label=X liveroot.rw=/dev/vdb1"
refuse "toram bad" "toram=maybe: use yes, no, auto or background" "liveroot.label=X liveroot.toram=maybe"
refuse "eject bad" "eject=maybe" "liveroot.label=X liveroot.eject=maybe"
refuse "zram bad" "zram=lots: use a size .64M, 1G. or 1-100% of RAM" "liveroot.label=X liveroot.zram=lots"
refuse "zram 0" "zram=0: use a size" "liveroot.label=X liveroot.zram=0"
refuse "zram 200%" "zram=200%: use a size" "liveroot.label=X liveroot.zram=200%"
refuse "zram in T" "zram=2T: use a size" "liveroot.label=X liveroot.zram=2T"
refuse "verify bad algo" "verify=md5" "liveroot.label=X liveroot.verify=md5"
refuse "verify short hex" "64 hex digits" "liveroot.label=X liveroot.verify=sha256:abcd"
refuse "verify HEX with two images" "names one hash" "liveroot.label=X liveroot.image=/a,/b liveroot.verify=sha256:$h"
expect "verity= one root hash" "verity0=$h" "liveroot.label=X liveroot.verity=$h"
expect "verity= a root hash per image: the top one" "verity1=$(echo $h | tr 0 f)" \
	"liveroot.label=X liveroot.image=/a,/b liveroot.verity=$h,$(echo $h | tr 0 f)"
refuse "verity= not 64 hex digits" "verity=abcd: 'abcd' is not a sha256 root hash" "liveroot.label=X liveroot.verity=abcd"
refuse "verity= a non-hex digit" "is not a sha256 root hash" "liveroot.label=X liveroot.verity=$(echo $h | tr 0 g)"
refuse "verity= an empty item" "'' is not a sha256 root hash" "liveroot.label=X liveroot.verity=$h,"
refuse "verity= nine root hashes" "at most 8 root hashes" \
	"liveroot.label=X liveroot.verity=$h,$h,$h,$h,$h,$h,$h,$h,$h"
refuse "verity= two hashes for one image" "verity= names 2 root hash.es. but image= lists 1" \
	"liveroot.label=X liveroot.image=/a liveroot.verity=$h,$h"
refuse "image list with a relative path" "image=/a,b: 'b' is not an absolute path" "liveroot.label=X liveroot.image=/a,b"
refuse "image list with a trailing comma names the list" "image=/a.sfs,: '' is not an absolute path" "liveroot.label=X liveroot.image=/a.sfs,"
# values that reach mount(2)'s option string, and sizes that wrap
refuse "rw DIR can't inject overlay options (,)" "bad directory 'upper,lowerdir=/x'" "liveroot.label=X liveroot.rw=LABEL=P:upper,lowerdir=/x"
refuse "rw DIR can't hold ':' (overlay's layer separator)" "bad directory" "liveroot.label=X liveroot.rw=LABEL=P:a:b"
refuse "rw DIR can't hold a backslash" "bad directory" 'liveroot.label=X liveroot.rw=LABEL=P:a\\b'
refuse "rw tmpfs size that wraps to 0 (unlimited)" "rw=tmpfs:17179869184G: use" "liveroot.label=X liveroot.rw=tmpfs:17179869184G"
refuse "rw tmpfs size that wraps (k)" "use tmpfs" "liveroot.label=X liveroot.rw=tmpfs:18014398509481984k"
refuse "rw tmpfs size with options after it" "use tmpfs" "liveroot.label=X liveroot.rw=tmpfs:1M,mode=777"
expect "rw tmpfs size 1T is fine" "rw_size=1T" "liveroot.label=X liveroot.rw=tmpfs:1T"
# on/off words
expect "quiet=0 is off" "quiet=0" "liveroot.label=X liveroot.quiet=0"
expect "debug=no is off" "debug=0" "liveroot.label=X liveroot.debug=no"
expect "quiet=yes is on" "quiet=1" "liveroot.label=X liveroot.quiet=yes"
expect "debug=1 is on" "debug=1" "liveroot.label=X liveroot.debug=1"
expect "debug=off after debug: off (the last word wins)" "debug=0" "liveroot.label=X liveroot.debug liveroot.debug=off"
refuse "quiet=maybe is refused" "quiet=maybe: use quiet alone" "liveroot.label=X liveroot.quiet=maybe"
# one refusal, not a second wrong one
out=$(parse "liveroot.media=AUTO") ; echo "$out" | grep -q "media=AUTO: use" && ! echo "$out" | grep -q "no media given" &&
	pass "media=AUTO: one message, not also 'no media given'" || fail "media=AUTO: one message" "$out"
refuse "too many images" "at most 8 images" "liveroot.label=X liveroot.image=/1,/2,/3,/4,/5,/6,/7,/8,/9"
refuse "iso relative" "iso=x.iso: need an absolute path" "liveroot.label=X liveroot.iso=x.iso"
refuse "rw dir with .." "bad directory" "liveroot.label=X liveroot.rw=LABEL=p:../etc"
refuse "rw unknown" "rw=ext4: use tmpfs" "liveroot.label=X liveroot.rw=ext4"
refuse "media unknown form" "PARTUUID=x" "liveroot.media=ID=5"
# the kernel's console syntax is accepted up front (the speed is set at the
# switch); what can't be honoured is refused before anything is mounted
expect "console=/dev/ttyS0,115200n8 (the kernel's syntax) accepted" "console=/dev/ttyS0,115200n8" \
	"liveroot.label=X liveroot.console=/dev/ttyS0,115200n8"
expect "console=/dev/ttyS1,9600 accepted" "console=/dev/ttyS1,9600" "liveroot.label=X liveroot.console=/dev/ttyS1,9600"
refuse "console with a speed no terminal has: refused up front" "console=/dev/ttyS0,12345: use a device" \
	"liveroot.label=X liveroot.console=/dev/ttyS0,12345"
refuse "console with parity we don't set: refused up front" "console=/dev/ttyS0,9600e7: use" \
	"liveroot.label=X liveroot.console=/dev/ttyS0,9600e7"
# -n shows what init would get, and that it is not PID 1
out=$(parse "liveroot.label=X" -- single 'a b')
echo "$out" | grep -qxF "init_argv='/sbin/init' 'single' 'a b'" &&
	echo "$out" | grep -q "^pid1=no (a real boot runs as PID 1" &&
	pass "-n shows init's arguments and that it is not PID 1" ||
	fail "-n shows init's arguments and the PID 1 check" "$(echo "$out" | tail -3 | tr '\n' ' ')"

# --- persistence files, rw.create=, shutdown= -------------------------------------
expect "rw=SPEC:FILE keeps the path" "rw_dir=boxes/persist.img" "liveroot.label=X liveroot.rw=LABEL=S:/boxes/persist.img"
expect "rw.create=512M" "rw_create=536870912" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=512M"
expect "rw.create=2G" "rw_create=2147483648" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=2g"
expect "rw.create=1024G (the largest)" "rw_create=1099511627776" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=1024G"
refuse "rw.create below 16M" "rw.create=8M: use a size from 16M up to 1024G" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=8M"
refuse "rw.create without a unit" "rw.create=512: use a size" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=512"
refuse "rw.create absurdly big" "rw.create=99999999999G: use a size" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=99999999999G"
refuse "rw.create=1025G" "rw.create=1025G: use a size" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=1025G"
refuse "rw.create with trailing junk" "rw.create=16Mx: use a size" "liveroot.label=X liveroot.rw=LABEL=S:/p.img liveroot.rw.create=16Mx"
refuse "rw.create without a persistent layer" "rw.create=.*needs a persistent layer" "liveroot.label=X liveroot.rw.create=64M"
refuse "rw=SPEC:PATH with a comma (the overlay's separator)" "bad directory" "liveroot.label=X liveroot.rw=LABEL=S:/a,b.img"
expect "shutdown defaults to auto" "shutdown=auto" "liveroot.label=X"
expect "shutdown=yes" "shutdown=yes" "liveroot.label=X liveroot.shutdown=yes"
expect "shutdown=no" "shutdown=no" "liveroot.label=X liveroot.shutdown=no"
refuse "shutdown=maybe" "shutdown=maybe: use auto, yes or no" "liveroot.label=X liveroot.shutdown=maybe"
# liveroot shutdown: a word it does not know never reboots anything
out=$("$BB" liveroot shutdown sometime 2>&1) && fail "liveroot shutdown WORD: refused" "exit 0: $out" ||
	{ echo "$out" | grep -q "say poweroff, reboot, halt or kexec" && pass "liveroot shutdown WORD: refused, naming the verbs" ||
	fail "liveroot shutdown WORD: refused" "$out"; }
# run by hand on a system liveroot did not boot (this host): refused
out=$("$BB" liveroot shutdown reboot 2>&1) && fail "liveroot shutdown on a system liveroot did not boot: refused" "exit 0: $out" ||
	{ echo "$out" | grep -q "this system was not booted by liveroot .*refusing; -f does it anyway" &&
	pass "liveroot shutdown on a system liveroot did not boot: refused, nothing done" ||
	fail "liveroot shutdown on a system liveroot did not boot: refused" "$out"; }
out=$("$BB" liveroot shutdown -f -n reboot 2>&1) && echo "$out" | grep -q "shutdown reboot: remount every writable filesystem read-only" &&
	pass "liveroot shutdown -n: says what it would do (not PID 1: remount read-only)" ||
	fail "liveroot shutdown -n" "$out"

# --- dracut's words (dmsquash-live), translated; liveroot.* wins ---------------------
peer() { # NAME PATTERN CMDLINE: -n succeeds and prints a line matching PATTERN
	n=$1 pat=$2; printf '%s\n' "$3" >"$cl"
	out=$("$BB" liveroot -n -C "$cl" 2>&1) && echo "$out" | grep -qE -- "$pat" && pass "$n" ||
		fail "$n" "$(echo "$out" | grep -E 'peer|^media|^image|^rw|^toram|^iso|liveroot:' | tr '\n' ' ')"
}
expect "dracut root=live:CDLABEL= is the media" "media=LABEL=Fedora-WS" "root=live:CDLABEL=Fedora-WS rd.live.image"
expect "dracut root=live:UUID=" "media=UUID=2024-05-01-12-00-00-00" "root=live:UUID=2024-05-01-12-00-00-00"
expect "dracut root=live: means dracut's layout" "image=/LiveOS/squashfs.img" "root=live:LABEL=L"
expect "dracut rd.live.dir + rd.live.squashimg" "image=/Custom/rootfs.sfs" "root=live:LABEL=L rd.live.dir=/Custom rd.live.squashimg=rootfs.sfs"
expect "dracut rd.live.ram" "toram=yes" "root=live:LABEL=L rd.live.ram"
expect "dracut rd.live.ram=0" "toram=no" "root=live:LABEL=L rd.live.ram=0"
expect "dracut rd.live.overlay.size (MiB)" "rw_size=512M" "root=live:LABEL=L rd.live.overlay.size=512"
expect "dracut rd.live.overlay=DEV:PATH is a persistent layer" "rw_dir=LiveOS/overlay" "root=live:LABEL=L rd.live.overlay=LABEL=P:/LiveOS/overlay"
expect "dracut iso-scan/filename" "iso=/isos/live.iso" "root=live:LABEL=L iso-scan/filename=/isos/live.iso"
expect "liveroot.* wins over a dracut word" "image=/mine.sfs" "root=live:LABEL=L rd.live.squashimg=x.img liveroot.image=/mine.sfs"
peer "... and the conflict is said" "^peer: liveroot.image=/mine.sfs wins over rd.live.dir/rd.live.squashimg" \
	"root=live:LABEL=L rd.live.squashimg=x.img liveroot.image=/mine.sfs"
peer "-n shows how each dracut word was understood" "^peer: root=live:CDLABEL=F -> media=LABEL=F$" "root=live:CDLABEL=F rd.live.image"
peer "a dracut word liveroot does not support is listed, not silently ignored" \
	"^peer: rd.live.check: not supported, ignored$" "root=live:CDLABEL=F rd.live.check"
expect "root= that is not root=live: is not liveroot's" "media=LABEL=X" "root=/dev/sda1 liveroot.label=X"
peer "a bad value in a dracut word is said and left out, never fatal" \
	"^peer: rd.live.overlay.size=abc: liveroot can't use rw=tmpfs:abcM \(see above\), ignored" \
	"root=live:LABEL=L rd.live.overlay.size=abc"
expect "a relative path in a peer word is on the medium (iso-scan/filename=isos/x.iso)" "iso=/isos/x.iso" \
	"root=live:LABEL=L iso-scan/filename=isos/x.iso"
expect "dracut rd.live.overlay=none: no persistent layer, and liveroot.rw= still wins" "rw=tmpfs:64M" \
	"root=live:LABEL=L rd.live.overlay=none liveroot.rw=tmpfs:64M"
expect "dracut rd.live.ram=on" "toram=yes" "root=live:LABEL=L rd.live.ram=on"
expect "udev's /dev/disk/by-label/ links become LABEL= (\\x20 decoded)" "media=LABEL=ARCH 202611" \
	'img_dev=/dev/disk/by-label/ARCH\x20202611 img_loop=/a.iso'
expect "archisosearchuuid (no label): media=auto" "media=auto" "archisobasedir=arch archisosearchuuid=2024-05-01-12-00-00-00"
expect "archiso copytoram alone is =y" "toram=yes" "archisolabel=X copytoram"
expect "archiso without copytoram: auto (archiso's default)" "toram=auto" "archisolabel=X"
expect "live-boot live-media-path=live (relative, as live-boot allows)" "image_dir=/live" "boot=live live-media-path=live"

# --- archiso's words (mkinitcpio-archiso) ---------------------------------------------
arch=$(uname -m)
expect "archiso archisolabel= is the media" "media=LABEL=ARCH_202611" "archisobasedir=arch archisolabel=ARCH_202611"
expect "archiso layout: BASEDIR/ARCH/airootfs.sfs or .erofs" "image=/arch/$arch/airootfs.sfs|/arch/$arch/airootfs.erofs" "archisolabel=ARCH_202611"
expect "archiso archisobasedir=" "image=/myarch/$arch/airootfs.sfs|/myarch/$arch/airootfs.erofs" "archisobasedir=myarch archisolabel=X"
expect "archiso img_dev + img_loop: an ISO file on a disk" "iso=/isos/archlinux.iso" "img_dev=/dev/sda2 img_loop=/isos/archlinux.iso archisolabel=X"
expect "archiso img_dev is the media" "media=/dev/sda2" "img_dev=/dev/sda2 img_loop=/isos/archlinux.iso archisolabel=X"
expect "archiso copytoram=y" "toram=yes" "archisolabel=X copytoram=y"
expect "archiso copytoram=auto" "toram=auto" "archisolabel=X copytoram=auto"
expect "archiso cow_spacesize=" "rw_size=512M" "archisolabel=X cow_spacesize=512M"
expect "archiso cow_label= (default cow_directory)" "rw_dir=persistent_X/$arch" "archisolabel=X cow_label=P"
expect "archiso cow_device= + cow_directory=" "rw_dir=mycow" "archisolabel=X cow_device=/dev/sdb1 cow_directory=/mycow"
expect "archiso checksum=y: verify=sha512 (airootfs.sha512)" "verify=sha512" "archisolabel=X checksum=y"
expect "archiso checksum=n: no check" "verify=none" "archisolabel=X checksum=n"
expect "archiso img_loop= without img_dev=: archisolabel is the ISO's own label, the media found by looking" \
	"media=auto" "img_loop=/isos/archlinux.iso archisolabel=ARCH_X"
expect "dracut iso-scan/filename= with root=live:CDLABEL=: that label is the ISO's, the media found by looking" \
	"media=auto" "root=live:CDLABEL=Fedora-Live iso-scan/filename=/isos/fedora.iso rd.live.image"
expect "liveroot.iso=none clears a peer's findiso=" "iso=" "boot=live findiso=/isos/x.iso liveroot.iso=none"
peer "... and says it wins" "^peer: liveroot.iso=none wins over findiso=/isos/x.iso" "boot=live findiso=/isos/x.iso liveroot.iso=none"
expect "verify=sha512" "verify=sha512" "liveroot.label=X liveroot.verify=sha512"
expect "verify=sha512:HEX" "verify=sha512:$(printf '%0128d' 0)" "liveroot.label=X liveroot.verify=sha512:$(printf '%0128d' 0)"
refuse "verify=sha512 with 64 hex digits" "verify=sha512:$(printf '%064d' 0): use sha256 or sha512" "liveroot.label=X liveroot.verify=sha512:$(printf '%064d' 0)"
expect "image=A|B: alternatives" "layer0=/a.sfs|/a.erofs" "liveroot.label=X liveroot.image=/a.sfs|/a.erofs"
refuse "image=A|B: each an absolute path" "b.erofs. is not an absolute path on the media" "liveroot.label=X liveroot.image=/a.sfs|b.erofs"
expect "liveroot.* wins over archiso's words" "toram=no" "archisolabel=X copytoram=y liveroot.toram=no"

# --- Debian live-boot's words ----------------------------------------------------------
expect "live-boot boot=live: every *.squashfs in /live" "image_dir=/live" "boot=live"
expect "live-boot boot=live without live-media: media=auto (live-boot looks everywhere)" "media=auto" "boot=live"
expect "live-boot live-media-path=" "image_dir=/custom" "boot=live live-media-path=/custom"
expect "live-boot live-media=LABEL=" "media=LABEL=DEBLIVE" "boot=live live-media=LABEL=DEBLIVE"
expect "live-boot findiso=" "iso=/isos/debian-live.iso" "boot=live findiso=/isos/debian-live.iso"
expect "live-boot toram" "toram=yes" "boot=live toram"
expect "live-boot overlay-size=" "rw_size=1024m" "boot=live overlay-size=1024m"
expect "live-boot persistence: a filesystem labelled persistence" "rw=LABEL=persistence" "boot=live persistence"
expect "live-boot persistence: if there is one" "rw_missing=tmpfs" "boot=live persistence"
expect "live-boot persistence-label=" "rw_dev=LABEL=mine" "boot=live persistence persistence-label=mine"
expect "live-boot persistence-label= alone: nothing" "rw=tmpfs" "boot=live persistence-label=mine"
expect "live-boot module=NAME" "image_module=mini" "boot=live module=mini"
refuse "image.module= is a file name" "image.module=../x: a file name" "liveroot.label=X liveroot.image.module=../x"
expect "rw.missing=tmpfs" "rw_missing=tmpfs" "liveroot.label=X liveroot.rw=LABEL=P liveroot.rw.missing=tmpfs"
refuse "rw.missing=maybe" "rw.missing=maybe: use stop" "liveroot.label=X liveroot.rw.missing=maybe"
expect "live-boot persistence with liveroot.rw=: the user's device is no longer optional" "rw_missing=stop" \
	"boot=live persistence liveroot.rw=LABEL=mine"
expect "live-boot nopersistence cancels persistence" "rw=tmpfs" "boot=live persistence nopersistence"
expect "live-boot components: live-config's, said" "peer: components: accepted (live-config's, for the booted system)" "boot=live components"

# --- casper (Ubuntu, Mint) ------------------------------------------------------------
expect "casper boot=casper: every *.squashfs in /casper" "image_dir=/casper" "boot=casper"
expect "casper boot=casper without live-media: media=auto" "media=auto" "boot=casper quiet splash"
expect "casper layerfs-path=: the layers by name, the longest on top" \
	"image=/casper/minimal.squashfs,/casper/minimal.standard.squashfs,/casper/minimal.standard.live.squashfs" \
	"boot=casper layerfs-path=minimal.standard.live.squashfs"
expect "casper layerfs-path= of one layer" "image=/casper/filesystem.squashfs" "boot=casper layerfs-path=filesystem.squashfs"
expect "casper layerfs-path= with live-media-path=" "image=/cd/a.squashfs,/cd/a.b.squashfs" \
	"boot=casper live-media-path=cd layerfs-path=a.b.squashfs"
expect "casper layerfs-path= with a / is refused, the directory used" "image_dir=/casper" "boot=casper layerfs-path=../x.squashfs"
expect "casper layerfs-path= without boot=casper: said" "peer: layerfs-path=: casper's, needs boot=casper; ignored" \
	"liveroot.label=X layerfs-path=a.squashfs"
expect "casper live-media-path=" "image_dir=/ubuntu" "boot=casper live-media-path=/ubuntu"
expect "casper live-media=" "media=LABEL=UBU" "boot=casper live-media=/dev/disk/by-label/UBU"
expect "casper persistent: the casper-rw filesystem, upper/ and work/ at its root" "rw=LABEL=casper-rw:/" "boot=casper persistent"
expect "casper persistent: ... its root" "rw_dir=." "boot=casper persistent"
expect "casper persistent: if there is one" "rw_missing=tmpfs" "boot=casper persistent"
expect "casper nopersistent cancels persistent" "rw=tmpfs" "boot=casper persistent nopersistent"
expect "casper persistent-path= alone: said" "peer: persistent-path=/p: needs persistent, ignored" "boot=casper persistent-path=/p"
expect "casper url=: the ISO over HTTP" "fetch=http://10.0.0.1/ubuntu.iso" "boot=casper url=http://10.0.0.1/ubuntu.iso"
expect "casper toram" "toram=yes" "boot=casper toram"
expect "casper ignore_uuid: accepted" "peer: ignore_uuid: accepted (liveroot does not match the media against the initrd's UUID)" "boot=casper ignore_uuid"
expect "casper showmounts: accepted" "peer: showmounts: accepted (liveroot's mounts are in /run/liveroot in the booted system)" "boot=casper showmounts"
expect "casper noprompt: accepted" "peer: noprompt: accepted (liveroot never asks to remove the media)" "boot=casper noprompt"
for w in file=/cdrom/preseed/x.seed maybe-ubiquity only-ubiquity automatic-ubiquity; do
	expect "casper $w: the installer's, said" "peer: $w: accepted (for the system's installer, not liveroot's)" "boot=casper $w"
done
for w in netboot=nfs nfsroot=1.2.3.4:/x todisk=/dev/sda username=u userfullname=U hostname=h casper-snapshot xforcevesa; do
	expect "casper $w: not supported, said" "peer: $w: not supported, ignored" "boot=casper $w"
done
expect "liveroot.* wins over casper's words" "image_dir=/other" "boot=casper liveroot.image.dir=/other"
expect "rw=LABEL=x:/ : the filesystem's root" "rw_dir=." "liveroot.label=X liveroot.rw=LABEL=P:/"

# --- the defaults file (-D; /etc/liveroot/defaults: make remaster's) ------------------
printf 'boot=casper # Ubuntu 24.04 initrd\nlayerfs-path=minimal.standard.live.squashfs\n' >"$cl.def"
expect "defaults file: read before the command line" "image=/casper/minimal.squashfs,/casper/minimal.standard.squashfs,/casper/minimal.standard.live.squashfs" \
	"BOOT_IMAGE=/casper/vmlinuz --- quiet splash" -D "$cl.def"
expect "defaults file: shown" "defaults: boot=casper layerfs-path=minimal.standard.live.squashfs" "quiet" -D "$cl.def"
expect "defaults file: the command line wins" "image=/casper/a.squashfs" "quiet layerfs-path=a.squashfs" -D "$cl.def"
expect "defaults file: liveroot.* on the command line wins" "toram=no" "liveroot.toram=no" -D "$cl.def" 
printf 'liveroot.toram=yes\n' >"$cl.def2"
expect "defaults file: liveroot.* words" "toram=yes" "liveroot.label=X" -D "$cl.def2"
printf 'liveroot.label=X -- init-arg\n' >"$cl.def3"
refuse "defaults file: -- refused" 'defaults file .*: "--"' "quiet" -D "$cl.def3"
refuse "defaults file named with -D but missing" "defaults file /nonexistent" "liveroot.label=X" -D /nonexistent
printf 'liveroot.label=X liveroot.init=/sbin/from-defaults\n' >"$cl.def4"
expect "defaults file's liveroot.init=: the command line's plain init= wins over it" "init=/bin/sh" "init=/bin/sh" -D "$cl.def4"
expect "defaults file's liveroot.init= over nothing: taken" "init=/sbin/from-defaults" "quiet" -D "$cl.def4"
printf 'liveroot.label=X init=/sbin/d\n' >"$cl.def5"
expect "defaults file's plain init=: the command line's liveroot.init= wins" "init=/sbin/c" "liveroot.init=/sbin/c" -D "$cl.def5"
printf 'liveroot.label=X\0liveroot.toram=yes\n' >"$cl.def6"
refuse "defaults file with a NUL byte refused" "a NUL byte" "quiet" -D "$cl.def6"
printf 'liveroot.label=X "liveroot.image=/a\rb"\n' >"$cl.def7"
refuse "defaults file: a value with a carriage return stays one word (refused as a path)" "image=/a.b: '/a.b' is not an absolute" \
	"quiet" -D "$cl.def7"
head -c 70000 /dev/zero | tr '\0' 'a' >"$cl.def8"
refuse "defaults file longer than 64 KiB refused" "longer than 64 KiB" "quiet" -D "$cl.def8"
expect "casper layerfs-path=.squashfs: no layer name, ignored" "image_dir=/casper" "boot=casper layerfs-path=.squashfs"
expect "casper layerfs-path= with '..': ignored" "image_dir=/casper" "boot=casper layerfs-path=a..b.squashfs"
expect "casper layerfs-path= of 9 layers: more than liveroot stacks, ignored" "image_dir=/casper" \
	"boot=casper layerfs-path=a.b.c.d.e.f.g.h.i.squashfs"
expect "live-boot overlay-size= with persistence: the RAM layer's size if there is none" "rw_size=1G" \
	"boot=live overlay-size=1G persistence"
expect "archiso img_loop= with archisodevice=: that is the ISO's own device, media=auto" "media=auto" \
	"img_loop=/isos/arch.iso archisodevice=/dev/disk/by-label/ARCH_2024"
peer "liveroot.* wins over the peer value in effect (the last), said" \
	"^peer: liveroot.media=LABEL=S wins over iso-scan/filename=/f.iso with root=live: -> media=auto" \
	"root=live:CDLABEL=F iso-scan/filename=/f.iso liveroot.media=LABEL=S"
expect "liveroot.image= wins over live-boot's image directory" "image_dir=" "boot=live liveroot.image=/live/one.sfs"
expect "boot=casper is not liveroot's" "media=LABEL=X" "boot=casper liveroot.label=X"
expect "image.dir=" "image_dir=/live" "liveroot.label=X liveroot.image.dir=/live"
refuse "image.dir= must be absolute" "image.dir=live: need an absolute path" "liveroot.label=X liveroot.image.dir=live"

# --- the network: fetch=, nbd=, ip=, net.if=, and the peers' words for them ----------
expect "fetch= needs no media" "fetch0=http://10.0.0.1/live/root.sfs" "liveroot.fetch=http://10.0.0.1/live/root.sfs"
expect "fetch= several images, A|B" "fetch1=http://s:8080/b.sfs|http://s/c.sfs" \
	"liveroot.fetch=http://s/a.sfs,http://s:8080/b.sfs|http://s/c.sfs"
refuse "fetch= https: not supported, said" "not an http://HOST\[:PORT\]/PATH address \(https: not supported\)" \
	"liveroot.fetch=https://s/a.sfs"
refuse "fetch= a blank or control character in the path" "not an http://" 'liveroot.fetch="http://s/a b.sfs"'
refuse "fetch= a user in the URL" "not an http://" "liveroot.fetch=http://u@s/a.sfs"
refuse "fetch= port out of range" "not an http://" "liveroot.fetch=http://s:70000/a.sfs"
refuse "fetch= and nbd= both" "fetch= and nbd= both name the root" "liveroot.fetch=http://s/a.sfs liveroot.nbd=s"
refuse "verify=sha256:HEX with two fetch= images" "names one hash but fetch= lists 2" \
	"liveroot.fetch=http://s/a.sfs,http://s/b.sfs liveroot.verify=sha256:$(printf '%064d' 0)"
expect "nbd=HOST (port 10809, export '')" "nbd=srv" "liveroot.nbd=srv"
expect "nbd=HOST:PORT/EXPORT" "nbd=10.0.0.1:10810/root" "liveroot.nbd=10.0.0.1:10810/root"
refuse "nbd= a blank in the export" "nbd=.*use HOST" 'liveroot.nbd="s/a b"'
refuse "nbd= port 0" "nbd=.*use HOST" "liveroot.nbd=s:0/x"
expect "ip=dhcp" "ip=dhcp" "liveroot.fetch=http://s/a ip=dhcp"
expect "ip=off" "ip=off" "liveroot.fetch=http://s/a ip=off"
expect "ip= the kernel's static syntax" "ip=static 10.0.2.15/255.255.255.0 gw 10.0.2.2 dns 10.0.2.3" \
	"liveroot.fetch=http://s/a ip=10.0.2.15::10.0.2.2:255.255.255.0:host:eth0:none:10.0.2.3"
expect "ip= the netmask by class, as the kernel's" "ip=static 10.1.2.3/255.0.0.0 gw 0.0.0.0 dns 0.0.0.0" \
	"liveroot.fetch=http://s/a ip=10.1.2.3::::::off"
expect "ip= static names the interface" "net_if=eth1" "liveroot.fetch=http://s/a ip=10.0.2.15:::255.255.255.0::eth1:none"
expect "ip= dracut's DEVICE:dhcp" "net_if=eth1" "liveroot.fetch=http://s/a ip=eth1:dhcp"
refuse "ip=dhcp6: not liveroot's, said" "ip=dhcp6: use dhcp" "liveroot.fetch=http://s/a liveroot.ip=dhcp6"
refuse "ip= a bad address" "ip=10.0.2.256" "liveroot.fetch=http://s/a liveroot.ip=10.0.2.256::::::none"
refuse "ip= a netmask with holes" "ip=10.0.2.15" "liveroot.fetch=http://s/a liveroot.ip=10.0.2.15:::255.0.255.0::eth0:none"
refuse "ip= an octal-looking address" "ip=010" "liveroot.fetch=http://s/a liveroot.ip=010.0.2.15::::::none"
refuse "net.if= a path is not an interface" "net.if=../x" "liveroot.fetch=http://s/a liveroot.net.if=../x"
expect "pxelinux BOOTIF= picks the card by MAC" "net_if=52:54:00:12:34:56" \
	"liveroot.fetch=http://s/a BOOTIF=01-52-54-00-12-34-56"
expect "archiso_http_srv=: BASEDIR/ARCH/airootfs.sfs or .erofs" \
	"fetch0=http://srv/arch/$arch/airootfs.sfs|http://srv/arch/$arch/airootfs.erofs" \
	"ip=dhcp archiso_http_srv=http://srv/ archisobasedir=arch"
expect "archiso_http_srv=\${pxeserver} is kept for the boot server from DHCP" \
	"fetch0=http://\${pxeserver}/arch/$arch/airootfs.sfs|http://\${pxeserver}/arch/$arch/airootfs.erofs" \
	'ip=dhcp archiso_http_srv=http://${pxeserver}/'
expect "archiso_nbd_srv=: export archiso (the ISO) on port 10809" "nbd=srv/archiso" "ip=dhcp archiso_nbd_srv=srv"
expect "archiso_nbd_srv=: copied to RAM, as archiso does" "toram=yes" "ip=dhcp archiso_nbd_srv=srv"
expect "archiso_nbd_srv= with copytoram=n: read from the server, not copied" "toram=no" \
	"ip=dhcp archiso_nbd_srv=srv copytoram=n"
expect "archiso_nbd_name=" "nbd=srv/myiso" "archiso_nbd_srv=srv archiso_nbd_name=myiso"
expect "dracut root=live:http://" "fetch=http://srv/LiveOS/squashfs.img" "root=live:http://srv/LiveOS/squashfs.img"
expect "live-boot fetch=" "fetch=http://1.2.3.4/live/filesystem.squashfs" "boot=live fetch=http://1.2.3.4/live/filesystem.squashfs"
expect "live-boot fetch=http:///PATH: the boot server" "fetch=http://\${pxeserver}/live/fs.squashfs" "boot=live fetch=http:///live/fs.squashfs"
peer "live-boot's ip= (its own syntax, for the booted system) is not the kernel's" \
	"live-boot's ip= sets up the booted system" "boot=live fetch=http://1.2.3.4/x.squashfs ip=eth0:10.0.0.2:255.0.0.0:10.0.0.1:10.0.0.1"
peer "the kernel's ip= with a value liveroot can't use: said, left out (DHCP)" \
	"^peer: ip=dhcp6: liveroot can't use ip=dhcp6 \(see above\), ignored" "liveroot.fetch=http://s/a ip=dhcp6"
expect "dracut root=http:// (without live:)" "fetch=http://srv/img.sfs" "root=http://srv/img.sfs"
# udhcpc's script mode: only for the child udhcpc runs, never for PID 1 or a
# command line that merely inherits LIVEROOT_DHCP from the kernel's words
printf '%s\n' "" >"$cl"
out=$(env LIVEROOT_DHCP=1 "$BB" liveroot -n 2>&1)
echo "$out" | grep -q "no media given" && pass "LIVEROOT_DHCP in the environment does not turn liveroot into udhcpc's script" ||
	fail "LIVEROOT_DHCP in the environment does not turn liveroot into udhcpc's script" "got: $out"

# every word the peers' table notes and ignores (or accepts as what liveroot
# always does) is said so, and changes nothing
for w in rd.live.overlay.overlayfs rd.live.overlay.readonly rd.live.overlay.reset rd.live.overlay.thin \
	rd.writable.fsimg copytoram_size=1G archiso_http_spc=75% archiso_nfs_srv=1.2.3.4:/x \
	persistence-path=/p persistence-media=removable persistence-encryption=luks \
	httpfs=http://x/y ftpfs=ftp://x/y iscsi=x; do
	out=$(parse "liveroot.media=LABEL=X $w")
	echo "$out" | grep -qE "^peer: $w: (not supported, ignored|accepted \()" &&
		[ "$(echo "$out" | grep -v '^peer:')" = "$(parse "liveroot.media=LABEL=X" | grep -v '^peer:')" ] &&
		pass "peer word $w: said, nothing changed" || fail "peer word $w: said, nothing changed" "$(echo "$out" | tr '\n' ' ')"
done
expect "archisosearchfilename=: media=auto (the file decides)" "media=auto" "archisosearchfilename=/x"
out=$(parse "boot=live persistence nopersistence")
echo "$out" | grep -q "^peer: persistence: nopersistence says not, ignored" && echo "$out" | grep -qx "rw=tmpfs" &&
	pass "nopersistence cancels live-boot's persistence" || fail "nopersistence cancels persistence" "$(echo "$out" | tr '\n' ' ')"
