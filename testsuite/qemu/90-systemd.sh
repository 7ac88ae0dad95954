# A real systemd root (Debian bookworm, debootstrap minbase + systemd-sysv,
# cached under DL_DIR by scripts/mkdebianroot) with a persistent layer in an
# ext4 file on a FAT stick: systemd's own shutdown hands over to liveroot's
# shutdown stage (/run/initramfs/shutdown), which unmounts the stack.  Boot,
# write, `systemctl poweroff`; boot, check, `systemctl reboot`; boot, check:
# the files are there, the layer was never left unclean.
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
persist_initramfs || { fail "building the initramfs with ext4 and exfat" "see above"; exit 0; }
export BOOT_INITRD=$M/initramfs-persist.img
if ! "$TOP/scripts/mkdebianroot" >"$TWORK/debroot.out" 2>&1; then
	fail "a Debian root with systemd (scripts/mkdebianroot)" "$(tail -3 "$TWORK/debroot.out" | tr '\n' ' ')"
	exit 0
fi
debroot=$(sed -n 's/^mkdebianroot: \(\/.*\.sfs\).*/\1/p' "$TWORK/debroot.out" | head -1)
[ -f "$debroot" ] || debroot=${DL_DIR:-$HOME/.cache/liveroot}/roots/bookworm-systemd-amd64.sfs

# the test's own layer above Debian's: a one-shot service that reports,
# does what the command line says and asks systemd to power off or reboot
L=$M/sdlayer
rm -rf "$L" && mkdir -p "$L/etc/systemd/system/multi-user.target.wants" "$L/usr/local/sbin"
cat >"$L/etc/systemd/system/lrtest.service" <<'EOU'
[Unit]
Description=liveroot test report
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/lrtest
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
EOU
ln -s ../lrtest.service "$L/etc/systemd/system/multi-user.target.wants/lrtest.service"
# no login prompt on the serial console: its getty hangs the tty up when it
# starts (vhangup), and a report written there meanwhile was lost
ln -s /dev/null "$L/etc/systemd/system/serial-getty@ttyS0.service"
cat >"$L/usr/local/sbin/lrtest" <<'EOS'
#!/bin/sh
echo "R:systemd-up $(readlink /proc/1/exe)"
while read -r l; do echo "R:mountinfo $l"; done </proc/self/mountinfo
while read -r l; do echo "R:log $l"; done </run/liveroot/log
verb=poweroff
for w in $(cat /proc/cmdline); do
	case $w in
	lrtest.write=*) v=${w#lrtest.write=}; echo "${v#*:}" >"${v%%:*}" && sync && echo "R:wrote ${v%%:*}" ;;
	lrtest.cat=*) f=${w#lrtest.cat=}; if [ -e "$f" ]; then echo "R:cat $f $(cat "$f")"; else echo "R:cat $f (missing)"; fi ;;
	lrtest.verb=*) verb=${w#lrtest.verb=} ;;
	esac
done
echo "R:end"
systemctl --no-block "$verb"
EOS
chmod 755 "$L/usr/local/sbin/lrtest"
rm -rf "$M/sd" && mkdir -p "$M/sd/live"
cp "$debroot" "$M/sd/live/root.sfs"
sfs "$L" "$M/sd/live/test.sfs"
"$TOP/scripts/mkpersist" "$M/sd-persist.img" 64M >/dev/null
vfat "$M/sd" "$M/sd.img" SDSTICK 3333BBBB 160
MTOOLS_SKIP_CHECK=1 mcopy -i "$M/sd.img" "$M/sd-persist.img" ::/persist.img
args="liveroot.label=SDSTICK liveroot.image=/live/root.sfs,/live/test.sfs liveroot.rw=LABEL=SDSTICK:/persist.img"
boot sd1 -u "$M/sd.img" -m 256 -t 400 -a "$args lrtest.write=/root/from-systemd:boot-1 lrtest.verb=poweroff" || true
has "systemd root: booted on the overlay, systemd is PID 1" "$TWORK/sd1.log" \
	"^R:systemd-up /usr/lib/systemd/systemd" "^R:mountinfo .* / / .* - overlay .*upperdir=/run/liveroot/rwfile/upper" \
	"^R:wrote /root/from-systemd"
has "systemctl poweroff: systemd hands over to /run/initramfs/shutdown, which unmounts the stack" "$TWORK/sd1.log" \
	"systemd-shutdown\[1\]: Returning to initrd" "^liveroot: shutdown \(poweroff\): unmounting" \
	"^liveroot: unmounted /oldroot \(overlay\)" "EXT4-fs \(loop[0-9]\): unmounting filesystem" \
	"^liveroot: unmounted /.liveroot/media" "^liveroot: nothing is left mounted read-write: poweroff now" \
	"reboot: Power down"
boot sd2 -u "$M/sd.img" -m 256 -t 400 -a "$args lrtest.cat=/root/from-systemd lrtest.verb=reboot" || true
has "systemd root, boot 2: the file is there" "$TWORK/sd2.log" "^R:cat /root/from-systemd boot-1"
hasnt "systemd root, boot 2: the layer was cleanly unmounted (no journal recovery, no FAT warning)" "$TWORK/sd2.log" \
	"not cleanly unmounted" "EXT4-fs \(loop[0-9]\): recovery complete" "FAT-fs .*not properly unmounted"
has "systemctl reboot: through the shutdown stage too" "$TWORK/sd2.log" \
	"^liveroot: shutdown \(reboot\): unmounting" "^liveroot: nothing is left mounted read-write: reboot now" \
	"reboot: Restarting system"
boot sd3 -u "$M/sd.img" -m 256 -t 400 -a "$args lrtest.cat=/root/from-systemd lrtest.verb=poweroff" || true
has "systemd root, boot 3 (after the reboot): the file is still there" "$TWORK/sd3.log" "^R:cat /root/from-systemd boot-1"
hasnt "systemd root, boot 3: no journal recovery" "$TWORK/sd3.log" \
	"not cleanly unmounted" "EXT4-fs \(loop[0-9]\): recovery complete"
