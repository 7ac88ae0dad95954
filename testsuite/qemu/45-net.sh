# Diskless boots over the network: qemu's user networking with restrict=on
# (nothing leaves the machine), the guest's connections to 10.0.2.100
# forwarded to servers this test starts on 127.0.0.1 -- Python's own
# http.server, Debian's nbd-server, and a server with faults.  The guest has
# no disk at all; DHCP from qemu (10.0.2.15).
. "$T/lib/testlib.sh"
. "$T/lib/media.sh"
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; pkill -f "nbd-server -C $M/nbd.conf"' EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
waitport() { # PORT: until something listens there
	i=0
	while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 50 ] || return 1; sleep 0.2
	done
}
booted() { # NAME WHAT PATTERN...
	n=$1 what=$2; shift 2
	if up "$n"; then
		has "$what" "$TWORK/$n.log" "$@"
	else
		fail "$what" "$(grep -E 'liveroot:' "$TWORK/$n.log" | tail -4 | tr '\n' ' ')"
	fi
}
# rescued NAME WHAT PATTERN: the boot stopped in the rescue shell, saying so
rescued() {
	if grep -q 'rescue shell (the initramfs is intact)' "$TWORK/$1.log" && ! grep -q '^R:begin' "$TWORK/$1.log"; then
		has "$2" "$TWORK/$1.log" "$3"
	else
		fail "$2" "$(grep -E 'liveroot:' "$TWORK/$1.log" | tail -4 | tr '\n' ' ')"
	fi
}

if ! extra_initramfs net "net nbd verity"; then
	fail "initramfs with EXTRA_MODULES='net nbd verity'"
	exit 0
fi
NI=$M/initramfs-net.img
sfs=$(dirname "$MEDIUM")/root.sfs
sum=$(sha256sum <"$sfs" | cut -d' ' -f1)
W=$M/www
rm -rf "$W" && mkdir -p "$W/live" "$W/arch/x86_64" "$W/LiveOS"
cp "$sfs" "$W/live/root.sfs"
echo "$sum  root.sfs" >"$W/live/root.sfs.sha256"
cp "$sfs" "$W/live/filesystem.squashfs"
cp "$sfs" "$W/arch/x86_64/airootfs.sfs"
echo "$(sha512sum <"$sfs" | cut -d' ' -f1)  airootfs.sfs" >"$W/arch/x86_64/airootfs.sha512"
mkdir -p "$M/dr/LiveOS" && cp "$sfs" "$M/dr/LiveOS/squashfs.img"
iso "$M/dr" "$W/LiveOS/live.iso" Fedora-Live
# dm-verity: an image with its hash tree (fetched as it is; served over NBD
# with one byte of a file's data changed, as a hostile server would)
VV=$M/vv.sfs
verity_image "$VV" || fail "a squashfs with a hash tree (scripts/mkverity)"
hv=$(cat "$VV.hash")
cp "$VV" "$W/live/vv.sfs"
flip_byte "$VV" $(( $(cat "$VV.bloboff") + 100000 ))

# --- HTTP: Python's own server -------------------------------------------------
HP=$(freeport)
python3 -m http.server --bind 127.0.0.1 --directory "$W" "$HP" >"$M/http.log" 2>&1 &
pids="$pids $!"
waitport "$HP" || fail "python3 -m http.server starts"
BOOT_INITRD=$NI boot http -g "80:$HP" -t 150 -a "liveroot.fetch=http://10.0.2.100/live/root.sfs" || true
booted http "fetch= over DHCP: the image streamed into RAM, its URL.sha256 checked, no disk" \
	"^R:log network: eth0 10.0.2.15/24 by DHCP, gateway [^,]+, DNS [^,]+, server 10.0.2.2, lease 86400 s" \
	"^R:log verified http://10.0.2.100/live/root.sfs: sha256 $sum \(while fetching it\)" \
	"^R:log mounted /run/liveroot/ram/0-root.sfs \(squashfs" \
	"^R:mountinfo .* /run/liveroot/ram .* - tmpfs " "^R:log mem network " "^R:log mem fetched " \
	"^R:net eth0 up" "^R:lease ip=10.0.2.15"
hasnt "fetch=: nothing of the initramfs keeps running (udhcpc exited with its lease)" \
	"$TWORK/http.log" "^R:proc [0-9]+ (udhcpc|liveroot|busybox)"
grep -q 'GET /live/root.sfs HTTP' "$M/http.log" &&
	pass "fetch=: the request reached python3 -m http.server on 127.0.0.1 only" ||
	fail "fetch=: the request reached the server" "$(tail -3 "$M/http.log")"

# the peers' words: archiso's PXE entry (BOOTIF picks the card, checksum=y),
# live-boot's fetch= with boot=live, dracut's root=live:URL of a whole ISO
# with a static ip=
# (each on another card of the net group: the old PCI ones too)
BOOT_INITRD=$NI boot archhttp -g "80:$HP" -n rtl8139 -t 150 -a "ip=dhcp BOOTIF=01-52-54-00-12-34-56 \
archiso_http_srv=http://10.0.2.100/ archisobasedir=arch checksum=y" || true
booted archhttp "archiso_http_srv= (ip=dhcp, BOOTIF=, checksum=y): fetched, sha512 checked" \
	"^R:log peer word: BOOTIF=01-52-54-00-12-34-56 -> net.if=52:54:00:12:34:56" \
	"^R:log peer word: archiso_http_srv=http://10.0.2.100/ -> fetch=http://10.0.2.100/arch/x86_64/airootfs.sfs\|" \
	"^R:log verified http://10.0.2.100/arch/x86_64/airootfs.sfs: sha512 " "^R:module 8139cp "
BOOT_INITRD=$NI boot lbfetch -g "80:$HP" -n e1000 -t 150 -a "boot=live fetch=http://10.0.2.100/live/filesystem.squashfs" || true
booted lbfetch "live-boot fetch=: fetched into RAM" \
	"^R:log peer word: fetch=http://10.0.2.100/live/filesystem.squashfs -> fetch=" \
	"^R:log mounted /run/liveroot/ram/0-filesystem.squashfs \(squashfs" "^R:module e1000 "
isosum=$(sha256sum <"$W/LiveOS/live.iso" | cut -d' ' -f1)
BOOT_INITRD=$NI boot drhttp -g "80:$HP" -n pcnet -t 150 -a "root=live:http://10.0.2.100/LiveOS/live.iso \
rd.live.image ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:none liveroot.verify=sha256:$isosum" || true
booted drhttp "dracut root=live:http://…/x.iso, static ip=, verify=HEX of the ISO: it is the media" \
	"^R:log network: eth0 10.0.2.15/24 \(ip=\), gateway 10.0.2.2" \
	"^R:log verified http://10.0.2.100/LiveOS/live.iso: sha256 $isosum" \
	"^R:log /run/liveroot/ram/0-live.iso is an ISO image: it is the media" \
	"^R:log mounted /run/liveroot/media/LiveOS/squashfs.img \(squashfs" "^R:module pcnet32 "

# --- HTTP: the faults ----------------------------------------------------------
FP=$M/fport
rm -f "$FP"
python3 "$T/lib/httpd" "$W" "$FP" 2>"$M/httpd.log" &
fpid=$!
pids="$pids $fpid"
i=0; while [ ! -s "$FP" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
F=$(cat "$FP")
BOOT_INITRD=$NI boot badsum -g "80:$F" -n ne2k_pci -t 150 -a "liveroot.fetch=http://10.0.2.100/live/root.sfs \
liveroot.verify=sha256:$(printf '%064d' 0)" || true
rescued badsum "fetch=: a wrong hash ends in the rescue shell, nothing mounted" \
	"checksum mismatch for http://10.0.2.100/live/root.sfs"
# the server killed while it sends (a FIN or a reset, as the kill falls)
rm -f "$TWORK/killed.log"
(
	while ! grep -q 'liveroot: fetching http' "$TWORK/killed.log" 2>/dev/null; do sleep 0.2; done
	sleep 1; kill "$fpid"
) &
BOOT_INITRD=$NI boot killed -g "80:$F" -t 150 -a "liveroot.fetch=http://10.0.2.100/stall/live/root.sfs \
liveroot.verify=sha256:$sum" || true
rescued killed "fetch=: the server killed mid-transfer: said, rescue shell" \
	"the server closed the connection after 65536 of [0-9]+ bytes|the transfer broke after 65536 bytes"

# --- bigger than RAM: refused over HTTP, read as needed over NBD --------------
rm -rf "$M/big" && mkdir -p "$M/big"
cp -a "$ROOT/." "$M/big/"
mkdir -p "$M/big/data"
head -c 128M /dev/urandom >"$M/big/data/random"
mksquashfs "$M/big" "$W/big.sfs" -noappend -quiet -no-progress -comp gzip -noD -noF -all-root >/dev/null
rm -rf "$M/big"
BOOT_INITRD=$NI boot bighttp -m 96 -g "80:$HP" -t 150 -a "liveroot.fetch=http://10.0.2.100/big.sfs" || true
rescued bighttp "fetch=: an image larger than RAM (-m 96) is refused before the download" \
	"http://10.0.2.100/big.sfs: 1[23][0-9] MiB do not fit in RAM \(MemAvailable [0-9]+ MiB"
BOOT_INITRD=$NI boot vfetch -g "80:$HP" -t 150 -a "liveroot.fetch=http://10.0.2.100/live/vv.sfs \
liveroot.verity=$hv lrtest.readall=/verity" || true
booted vfetch "fetch= with verity=: dm-verity over the fetched image in RAM, every block readable" \
	"^R:log dm-verity: /dev/dm-0 over /dev/loop[0-9]+, [0-9]+ blocks of 4096 bytes, each checked against root hash $(echo "$hv" | cut -c1-16)" \
	"^R:log mounted /run/liveroot/ram/0-vv.sfs \(squashfs, /dev/loop.*dm-verity /dev/dm-0\)" \
	"^R:readall 262144 "
NP=$(freeport)
cat >"$M/nbd.conf" <<EOF
[generic]
listenaddr = 127.0.0.1
port = $NP
[root]
exportname = $W/big.sfs
readonly = true
[archiso]
exportname = $M/arch.iso
readonly = true
[small]
exportname = $W/live/root.sfs
readonly = true
[verity]
exportname = $VV
readonly = true
EOF
rm -rf "$M/ar" && mkdir -p "$M/ar/arch/x86_64" && cp "$sfs" "$M/ar/arch/x86_64/airootfs.sfs"
iso "$M/ar" "$M/arch.iso" ARCH_202611
if command -v nbd-server >/dev/null; then
	# (as a daemon: with -d it serves one connection and exits)
	nbd-server -C "$M/nbd.conf" >"$M/nbd.log" 2>&1
	waitport "$NP" || fail "nbd-server starts" "$(tail -3 "$M/nbd.log")"
	BOOT_INITRD=$NI boot nbd -m 96 -g "10809:$NP" -t 200 -a "liveroot.nbd=10.0.2.100/root \
lrtest.readall=/data" || true
	booted nbd "nbd= at -m 96: a 128 MiB image read over NBD, no process left, every byte readable" \
		"^R:log NBD: /dev/nbd0 is export 'root' of 10.0.2.100 port 10809, [0-9]+ bytes, read-only" \
		"^R:log mounted /dev/nbd0 \(squashfs\) read-only on /run/liveroot/layer0" \
		"^R:readall 134217728 "
	hasnt "nbd=: no NBD client process after the switch (the kernel holds the socket)" \
		"$TWORK/nbd.log" "^R:proc [0-9]+ (nbd|udhcpc|liveroot|busybox)"
	# an image export copied to RAM (hashed in that pass): the server is not
	# read from any more
	BOOT_INITRD=$NI boot nbdram -g "10809:$NP" -t 150 -a "liveroot.nbd=10.0.2.100/small \
liveroot.toram=yes liveroot.verify=sha256:$sum" || true
	booted nbdram "nbd= with toram=yes and verify=HEX: the export copied to RAM, hashed in the copy pass" \
		"^R:log verified /dev/nbd0: sha256 $sum \(while copying it to RAM\)" \
		"^R:log the NBD export is in RAM" \
		"^R:log mounted /run/liveroot/ram/0-nbd0 \(squashfs"
	# a server that delivers changed bytes: caught by verity when read
	BOOT_INITRD=$NI boot vnbd -g "10809:$NP" -t 150 -a "liveroot.nbd=10.0.2.100/verity \
liveroot.verity=$hv lrtest.readall=/verity" || true
	booted vnbd "nbd= with verity=, the server changed a data block: the system boots, reading it fails with EIO and the kernel's message" \
		"^R:log dm-verity: /dev/dm-0 over /dev/nbd0, " \
		"^R:log mounted /dev/nbd0 \(squashfs, dm-verity /dev/dm-0\) read-only on /run/liveroot/layer0" \
		"Input/output error" "verity: .*data block [0-9]+ is corrupted"
	hasnt "... and the changed bytes are never delivered" "$TWORK/vnbd.log" "^R:readall 262144 "
	# (with a persistent layer asked for that is not there: the changes in RAM)
	BOOT_INITRD=$NI boot archnbd -g "10809:$NP" -t 150 -a "ip=dhcp archiso_nbd_srv=10.0.2.100 \
archisobasedir=arch liveroot.rw=LABEL=NOSUCH liveroot.rw.missing=tmpfs" || true
	booted archnbd "archiso_nbd_srv=: the ISO over NBD is the media, copied to RAM (rw.missing=tmpfs)" \
		"^R:log peer word: archiso_nbd_srv=10.0.2.100 -> nbd=10.0.2.100/archiso" \
		"^R:log NBD: /dev/nbd0 is export 'archiso' .*: the media" \
		"^R:log copied 1 image\(s\)"
	# archiso's copytoram=n: the ISO export stays the media, read over NBD
	BOOT_INITRD=$NI boot archnbdn -g "10809:$NP" -t 150 -a "ip=dhcp archiso_nbd_srv=10.0.2.100 \
archisobasedir=arch copytoram=n" || true
	booted archnbdn "archiso_nbd_srv= with copytoram=n: the image read from the NBD media, nothing copied" \
		"^R:mountinfo .* /run/liveroot/media ro[, ].* /dev/nbd0 " \
		"^R:mountinfo .* /run/liveroot/layer0 ro[, ].* - squashfs /dev/loop"
	hasnt "... no copy in RAM" "$TWORK/archnbdn.log" "^R:mountinfo .* /run/liveroot/ram "
else
	fail "nbd-server (Debian's nbd-server package) for the NBD boots"
fi
# hostile NBD servers: one that never answers a read (timeout= bounds the
# wait: the rescue shell, said), one that grants an export without its size
for mode in silent nosize; do
	rm -f "$M/nbd-$mode.port"
	"$T/lib/nbd-faulty" $mode "$M/nbd-$mode.port" 2>"$M/nbd-$mode.log" &
	pids="$pids $!"
	i=0; while [ ! -s "$M/nbd-$mode.port" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	BOOT_INITRD=$NI boot "nbd$mode" -g "10809:$(cat "$M/nbd-$mode.port")" -t 150 \
		-a "liveroot.nbd=10.0.2.100/root liveroot.timeout=5" || true
done
# after the switch: no request timeout (README: a stall, not I/O errors for
# good): a server that hangs 15 s in the middle of the system's reads, with
# timeout=5, and every byte still comes
# (an 8 MiB image: its middle is /data/random's, read only by the system)
rm -rf "$M/mid" && mkdir -p "$M/mid/data" && cp -a "$ROOT/." "$M/mid/"
head -c 8M /dev/urandom >"$M/mid/data/random"
mksquashfs "$M/mid" "$W/mid.sfs" -noappend -quiet -no-progress -comp gzip -noD -noF -all-root >/dev/null
rm -rf "$M/mid"
rm -f "$M/nbd-stall.port"
"$T/lib/nbd-faulty" stall "$M/nbd-stall.port" "$W/mid.sfs" 15 2>"$M/nbd-stall.log" &
pids="$pids $!"
i=0; while [ ! -s "$M/nbd-stall.port" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
BOOT_INITRD=$NI boot nbdstall -m 96 -g "10809:$(cat "$M/nbd-stall.port")" -t 200 \
	-a "liveroot.nbd=10.0.2.100/root liveroot.timeout=5 lrtest.readall=/data" || true
booted nbdstall "nbd= after the switch: a server that hangs 15 s (timeout=5) stalls the reads, then every byte comes" \
	"^R:log NBD: /dev/nbd0 has no request timeout now: reads wait for the server" \
	"^R:readall 8388608 "
grep -q "stalled, answering" "$M/nbd-stall.log" && pass "... (the server did hang 15 s in the middle of them)" ||
	fail "... the server hung in the middle of the reads" "$(tail -3 "$M/nbd-stall.log" | tr '\n' ' ')"
rescued nbdsilent "nbd=: a server that never answers a read: timeout=5 ends the wait, rescue shell" \
	"NBD: 10.0.2.100:10809 sent no answer to a read within 5 s"
grep -q "no answer" "$M/nbd-silent.log" && pass "... (the server did get the read and kept silent)" ||
	fail "... the silent server got a read" "$(tail -3 "$M/nbd-silent.log" | tr '\n' ' ')"
hasnt "... and nothing was mounted from it" "$TWORK/nbdsilent.log" "mounted /dev/nbd"
rescued nbdnosize "nbd=: an export granted without its size is refused, nothing connected" \
	"NBD server: no size for the export"
grep -q "option 7" "$M/nbd-nosize.log" && ! grep -q "request" "$M/nbd-nosize.log" &&
	pass "... no device was connected to it (the server got NBD_OPT_GO, never a read)" ||
	fail "... no device was connected to it" "$(tail -3 "$M/nbd-nosize.log" | tr '\n' ' ')"
rm -f "$W/big.sfs"
