# The ARCH=i686 build on an old PC: a Pentium II (qemu-system-i386 -cpu
# pentium2, the CPU model Debian's 686 kernel was measured on) with 64 MB,
# booting the demo's hybrid image through SeaBIOS and ISOLINUX, from an IDE
# CD-ROM and as a USB stick on an EHCI (USB 2.0) controller.  Everything in
# it is 32-bit: uClibc-ng and BusyBox built with -march=i586, Debian
# bookworm's 686 kernel and modules.
. "$T/lib/testlib.sh"
I=${I686_DIR:-$TOP/out/i686}
iso=$I/demo/boot.iso
if [ ! -f "$iso" ]; then
	fail "i686: the demo image (make ARCH=i686 out/i686/demo/boot.iso)" "$iso missing"
	exit 0
fi
if ! command -v qemu-system-i386 >/dev/null; then
	fail "i686: qemu-system-i386 (Debian's qemu-system-x86)"
	exit 0
fi
file -L "$I/busybox" | grep -qE 'ELF 32-bit LSB executable, Intel (80386|i386)' &&
	pass "i686: BusyBox is a 32-bit x86 executable" ||
	fail "i686: BusyBox is a 32-bit x86 executable" "$(file -L "$I/busybox")"
# -march=i586: no cmov anywhere in BusyBox (a Pentium MMX has none)
if command -v objdump >/dev/null; then
	n=$(objdump -d "$I/busybox" | grep -cE '\scmov[a-z]+\s')
	[ "$n" = 0 ] && pass "i686: no cmov in BusyBox (runs on Pentium-class CPUs)" ||
		fail "i686: no cmov in BusyBox" "$n cmov instructions"
fi
for how in cd usb; do
	case $how in cd) d=-c ;; usb) d=-u ;; esac
	rm -f "$TWORK/i686-$how.log"
	"$T/lib/qemu-boot" -q -x i686 -F bios $d "$iso" -m 64 -t 300 "$TWORK/i686-$how.log" || true
	if grep -q '^R:end' "$TWORK/i686-$how.log"; then
		has "i686, Pentium II, 64 MB, the hybrid image as a $how: the demo system comes up" \
			"$TWORK/i686-$how.log" "ISOLINUX" "^R:uname i686" \
			"^R:cmdline .*liveroot.media=LABEL=LIVEROOT" \
			"^R:mountinfo .* / / .* - overlay overlay " \
			"^R:log mounted /run/liveroot/media/live/root.sfs \(squashfs" \
			"^R:meminfo MemTotal: "
	else
		fail "i686, Pentium II, 64 MB, the hybrid image as a $how: the demo system comes up" \
			"$(grep -E 'liveroot:|Kernel panic|Out of memory' "$TWORK/i686-$how.log" | tail -4 | tr '\n' ' ')"
	fi
done
has "i686: the CD through its IDE driver" "$TWORK/i686-cd.log" "^R:module ata_piix "
has "i686: the stick through EHCI and usb-storage" "$TWORK/i686-usb.log" \
	"^R:module ehci_pci " "^R:module usb_storage "
