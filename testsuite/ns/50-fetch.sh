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

run() { # NAME ARGS...: a boot with fetch=
	n=$1; shift
	ns_prepare
	ns_liveroot "$n" ip=off timeout=3 "$@"
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
