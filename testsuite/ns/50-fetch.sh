# fetch=: the images over HTTP into RAM, as PID 1 of a private namespace
# that reaches a test server on the host's 127.0.0.1 (ip=off: the network
# as it is).  The good paths, and every way a server can fail a download:
# each must end in a clear message and the rescue shell, nothing mounted.
. "$T/lib/testlib.sh"
. "$T/lib/nslib.sh"
hpid=
trap 'ns_exit; [ -z "$hpid" ] || kill $hpid 2>/dev/null' EXIT

for fs in squashfs overlay; do
	if ! grep -qw "$fs" /proc/filesystems; then
		fail "namespace fetch tests" "the host kernel has no $fs (this suite needs it)"
		exit 0
	fi
done
W=$TWORK/www
rm -rf "$W"
mkdir -p "$W/live" "$W/plain" "$W/other"
img=$(dirname "$MEDIUM")/root.sfs
cp "$img" "$W/live/root.sfs"
cp "$img" "$W/plain/root.sfs"
cp "$img" "$W/other/root.sfs"
sum=$(sha256sum <"$img" | cut -d' ' -f1)
echo "$sum  root.sfs" >"$W/live/root.sfs.sha256"
echo "$sum  another.sfs" >"$W/other/root.sfs.sha256"
rm -f "$TWORK/port"
python3 "$T/lib/httpd" "$W" "$TWORK/port" 2>"$TWORK/httpd.log" &
hpid=$!
i=0
while [ ! -s "$TWORK/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TWORK/port" ] || { fail "fetch: the test server starts"; exit 0; }
U=http://127.0.0.1:$(cat "$TWORK/port")

# the rescue shell says RESCUE, then what it sees (X: lines): every mount,
# every file left in /run/liveroot/ram, X:done; lists / and powers off
rescue_sh() {
	cat >"$R/bin/sh" <<'EOS'
#!/bin/busybox sh
echo RESCUE
while read -r l; do echo "X:mountinfo $l"; done </proc/self/mountinfo
for f in /run/liveroot/ram/* /run/liveroot/ram/.[!.]*; do
	[ -e "$f" ] && echo "X:ram $f"
done
echo X:done
/bin/busybox ls -a /
/bin/busybox poweroff -f
EOS
	chmod 755 "$R/bin/sh"
}
run() { # NAME ARGS...: a boot with fetch=
	n=$1; shift
	ns_prepare
	rescue_sh
	ns_liveroot "$n" ip=off timeout=3 "$@"
}
# stopped NAME LABEL: the outcome of a refused boot, as the rescue shell saw
# it: the root's init never ran, no image is mounted on /run/liveroot/layerN,
# no copy is left in /run/liveroot/ram
stopped() {
	o=$TWORK/$1.out
	if ! grep -q '^X:done' "$o" || grep -q '^R:end' "$o"; then
		fail "$2" "no rescue shell, or the root's init ran: $(tr '\n' ' ' <"$o" | cut -c1-300)"
	elif grep -qE '^X:(mountinfo .* /run/liveroot/layer[0-9]+ |ram )' "$o"; then
		fail "$2" "left: $(grep -E '^X:(mountinfo .* /run/liveroot/layer[0-9]+ |ram )' "$o" | tr '\n' ' ')"
	else
		pass "$2"
	fi
}

# the image and its URL.sha256: streamed to a tmpfs, hashed in the same pass
run good "fetch=$U/live/root.sfs"
has "fetch: URL.sha256 checked while streaming, mounted from RAM, no media" "$TWORK/good.out" \
	"^R:log ip=off: the network is used as it is" \
	"^R:log fetching $U/live/root.sfs \(its size announced\) to /run/liveroot/ram/0-root.sfs" \
	"^R:log verified $U/live/root.sfs: sha256 $sum \(while fetching it\)" \
	"^R:log mounted /run/liveroot/ram/0-root.sfs \(squashfs, /dev/loop" \
	"^R:log mem fetched " "^R:mountinfo .* /run/liveroot/ram .* - tmpfs " \
	"^R:mountinfo .* / / .* - overlay overlay .*lowerdir=/run/liveroot/layer0" "^R:end"
hasnt "fetch: no media stage" "$TWORK/good.out" "^R:log mem media "
# the hash on the command line, a body without Content-Length
run nolen "fetch=$U/nolen/live/root.sfs" "verify=sha256:$sum"
has "fetch: verify=sha256:HEX, no Content-Length (read to the end)" "$TWORK/nolen.out" \
	"\(size unknown\)" "^R:log verified .*: sha256 $sum" "^R:end"
# A|B, and a redirect
run alt "fetch=$U/live/missing.sfs|$U/redir/live/root.sfs"
has "fetch: A|B takes the first the server has; a redirect is followed" "$TWORK/alt.out" \
	"redirected \(HTTP 301\) to http://127.0.0.1:[0-9]+/live/root.sfs" \
	"^R:log verified .*: sha256 $sum" "^R:end"
# no hash anywhere: boots, said
run plain "fetch=$U/plain/root.sfs"
has "fetch: no hash file and no verify=: boots with a warning" "$TWORK/plain.out" \
	"warning: $U/plain/root.sfs is not verified" "^R:end"

# --- failures: a message, the rescue shell, nothing mounted ----------------
run badsum "fetch=$U/live/root.sfs" "verify=sha256:$(printf '%064d' 0)"
intact badsum "fetch: a wrong hash stops the boot" "checksum mismatch for $U/live/root.sfs"
run cut "fetch=$U/cut/live/root.sfs" "verify=sha256:$sum"
intact cut "fetch: a server that stops mid-way" \
	"the server closed the connection after [0-9]+ of $(stat -c %s "$img") bytes"
run stall "fetch=$U/stall/live/root.sfs" "verify=sha256:$sum"
intact stall "fetch: a server that stalls times out (timeout=)" \
	"the server stopped sending \(timed out\) after 65536 bytes"
run huge "fetch=$U/huge/live/root.sfs"
intact huge "fetch: an image larger than RAM is refused before downloading" \
	"1048576 MiB do not fit in RAM \(MemAvailable [0-9]+ MiB"
hasnt "fetch: nothing of the huge image was fetched" "$TWORK/huge.out" "fetching http"
run missing "fetch=$U/live/missing.sfs"
intact missing "fetch: a 404 is said" "live/missing.sfs: not on the server \(HTTP 404\)"
run loop "fetch=$U/loop/live/root.sfs"
intact loop "fetch: a redirect loop ends" "more than 5 redirects"
run chunked "fetch=$U/chunked/live/root.sfs" "verify=sha256:$sum"
intact chunked "fetch: a chunked body is refused" "compressed or chunked"
run refused "fetch=http://127.0.0.1:1/live/root.sfs"
intact refused "fetch: no server" "can't connect to 127.0.0.1 port 1"
run other "fetch=$U/other/root.sfs"
intact other "fetch: a hash file naming another file is refused" "names another file"
run wantsum "fetch=$U/plain/root.sfs" verify=sha256
intact wantsum "fetch: verify=sha256 without a hash file on the server stops" \
	"neither .*/plain/root.sfs.sha256 nor .*/plain/root.sha256 is on the server"

# --- found in review: each fails on the first version of the code -------------
# a head whose lines end in LF: its end is its first blank line, even when
# the body holds a CRLF blank line early on (the hash then must match)
printf 'NOTANIMAGE\r\n\r\nREST-OF-THE-BODY' >"$W/plain/crlf.bin"
run lfhead "fetch=$U/lfhead/plain/crlf.bin" "verify=sha256:$(sha256sum <"$W/plain/crlf.bin" | cut -d' ' -f1)"
intact lfhead "fetch: an LF-only head ends at its first blank line (the body intact: hash passes)" \
	"crlf.bin is neither squashfs nor erofs"
# a server that answers 403 for a missing hash file (S3 does): not fatal without verify=
run h403 "fetch=$U/h403/live/root.sfs"
has "fetch: a hash file answered with 403 and no verify=: a warning, the boot goes on" "$TWORK/h403.out" \
	"warning: the hash file for .*/h403/live/root.sfs could not be read" "^R:end"
# no Content-Length and no hash: a cut transfer could not be told from a whole one
run nolenplain "fetch=$U/nolen/plain/root.sfs"
intact nolenplain "fetch: no Content-Length and no hash: refused" "no Content-Length and no hash"

# --- issue 21: outcomes, not messages (each catches a mutant of testsuite/mutate) ---
# a "soft 404": the hash URL answers 200 with a web page.  Without verify=
# that is no hash file: the boot goes on, said, the image mounted from RAM
run soft404 "fetch=$U/soft404/plain/root.sfs"
has "fetch: a hash URL answering 200 with a web page, no verify=: a note, the image boots" \
	"$TWORK/soft404.out" \
	"^R:log warning: .*/soft404/plain/root.sfs.sha256 is not a sha256 hash file" \
	"^R:log warning: .*/soft404/plain/root.sfs is not verified" \
	"^R:log mounted /run/liveroot/ram/0-root.sfs \(squashfs, /dev/loop" \
	"^R:mountinfo .* / / .* - overlay overlay .*lowerdir=/run/liveroot/layer0" "^R:end"
# ... with verify=sha256 the hash is a must: the page stops the boot
run soft404v "fetch=$U/soft404/plain/root.sfs" verify=sha256
intact soft404v "fetch: a web page for the hash file and verify=sha256: refused" \
	"root.sfs.sha256 does not start with a sha256"
stopped soft404v "fetch: a web page for the hash file and verify=sha256: nothing mounted"

# the RAM check keeps the margin free (an eighth of the RAM, 8-32 MiB).
# MemAvailable is faked (48 MiB: /proc/meminfo bound over in the namespace;
# the margin comes from sysinfo(), the host's RAM); the server announces
# 44 MiB -- within MemAvailable, not with any margin above 4 MiB -- and
# sends zeros for as long as they are read.  Refused before the body is
# read: the server could hand over no more than the socket buffers hold.
# (Without the margin the download starts and fills the tmpfs: >= 16 MiB.)
ns_liveroot_mem() { # ns_liveroot of nslib.sh, with $R/etc/meminfo as /proc/meminfo
	n=$1; shift
	mkdir -p "$R/sys" "$R/run"
	: >"$R/etc/initramfs-complete"
	timeout -k 5 120 unshare --mount --pid --fork --propagation private sh -c '
		R=$1; shift
		mount -t proc proc "$R/proc" || exit 1
		mount --bind "$R/etc/meminfo" "$R/proc/meminfo" || exit 1
		mount -t sysfs sysfs "$R/sys" || exit 1
		mount --bind /dev "$R/dev" || exit 1
		exec chroot "$R" /bin/busybox liveroot "$@"
	' sh "$R" -C /dev/null console=/proc/self/fd/1 "$@" </dev/null 2>&1 | cat >"$TWORK/$n.out"
}
ns_prepare
rescue_sh
printf 'MemTotal: %s kB\nMemFree: 49152 kB\nMemAvailable: 49152 kB\nShmem: 0 kB\nCached: 0 kB\n' \
	"$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" >"$R/etc/meminfo"
big=$((44 * 1048576))
ns_liveroot_mem margin ip=off timeout=3 "fetch=$U/zeros/$big/margin.sfs" "verify=sha256:$(printf '%064d' 0)"
stopped margin "fetch: fits in MemAvailable but not with the margin: refused, nothing mounted"
i=0
while ! grep -q "zeros /zeros/$big/margin.sfs: sent" "$TWORK/httpd.log" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
sent=$(sed -n "s|^httpd: zeros /zeros/$big/margin.sfs: sent \([0-9]*\) of.*|\1|p" "$TWORK/httpd.log" | tail -1)
if [ -n "$sent" ] && [ "$sent" -lt $((4 * 1048576)) ]; then
	pass "fetch: an image that leaves less than the margin free is not downloaded (${sent} bytes sent)"
else
	fail "fetch: an image that leaves less than the margin free is not downloaded" \
		"the server sent ${sent:-?} of $big bytes: $(grep -m1 'do not fit\|fetching' "$TWORK/margin.out")"
fi

# a body cut short, no hash (no verify=, no hash file): refused.  The image is
# padded with zeros to twice its size: the half that comes is a whole
# squashfs that would mount, so only the length check stands in the way
cp "$img" "$W/plain/padded.sfs"
truncate -s $(($(stat -c %s "$img") * 2 + 8192)) "$W/plain/padded.sfs"
run cutplain "fetch=$U/cut/plain/padded.sfs"
stopped cutplain "fetch: a body cut short without a hash: refused, nothing mounted, no copy left"

# fetch=A|B, A answered with 403: the server may have A (a 403 is not a
# 404), so the boot stops; B is neither downloaded nor mounted
mkdir -p "$W/b403"
cp "$img" "$W/b403/root.sfs"
run f403 "fetch=$U/f403/live/root.sfs|$U/b403/root.sfs"
stopped f403 "fetch: A|B with a 403 on A: the boot stops, nothing mounted"
hasnt "fetch: A|B with a 403 on A: B is not downloaded" "$TWORK/httpd.log" "GET /b403/"

# image=A|B: only a missing A moves on to B; an A on the media that is
# refused (a directory, an empty file, not an image) stops the boot.  (These
# belong with the media tests of ns/20-stack.sh; they are here because the
# mutation run's fetch mutants are caught in this file.)
if grep -qw ext4 /proc/filesystems; then
	. "$T/lib/media.sh"
	rm -rf "$M/alt"
	mkdir -p "$M/alt/live/dir.sfs"
	: >"$M/alt/live/empty.sfs"
	yes 'not an image' | head -c 65536 >"$M/alt/live/junk.sfs"
	cp "$img" "$M/alt/live/b.sfs"
	if ext4 "$M/alt" "$M/alt.ext4" NSALT 16 >/dev/null && attach -r "$M/alt.ext4"; then
		alt_dev=$LOOP
		for a in dir empty junk; do
			run "alt$a" "media=$alt_dev" "image=/live/$a.sfs|/live/b.sfs"
			stopped "alt$a" "image=A|B, A on the media but refused ($a): the boot stops, B is not mounted"
		done
	else
		fail "image=A|B: a test medium (ext4, losetup)"
	fi
else
	skip "image=A|B, A on the media but refused" "the host kernel has no ext4"
fi

# --- nbd=: a server that grants an export without its size (the handshake is
# liveroot's own, before the kernel's nbd driver is asked: no module needed)
rm -f "$TWORK/nbd.port"
"$T/lib/nbd-faulty" nosize "$TWORK/nbd.port" 2>"$TWORK/nbd-faulty.log" &
npid=$!
i=0
while [ ! -s "$TWORK/nbd.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run nbdnosize "nbd=127.0.0.1:$(cat "$TWORK/nbd.port")/root"
kill $npid 2>/dev/null
stopped nbdnosize "nbd=: an export granted without its size: refused, nothing mounted"
grep -q "option 7" "$TWORK/nbd-faulty.log" && pass "... (the server was asked: NBD_OPT_GO)" ||
	fail "... the server was asked" "$(tail -3 "$TWORK/nbd-faulty.log" | tr '\n' ' ')"
