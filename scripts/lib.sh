# Shared helpers for the scripts (sourced, POSIX sh).
top=$(cd "$(dirname "$0")/.." && pwd)
DL_DIR=${DL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/liveroot}
APT_MIRROR=${APT_MIRROR:-http://deb.debian.org}
me=$(basename "$0")
die() { echo "$me: $*" >&2; exit 1; }

# apt_private: set "$APT" to apt-get options for a private apt configuration
# (bookworm and trixie binaries, trixie and sid sources) kept in DL_DIR/apt; the
# host's apt sources and lists are never touched.  Updates the lists once a
# day, or when this list of sources changes.
apt_private() {
	a=$DL_DIR/apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	kr=/usr/share/keyrings/debian-archive-keyring.gpg
	# one writer and one update at a time (make -j may fetch sources and
	# kernels at once; checkouts share DL_DIR): the list replaced whole
	exec 9>"$a/update.lock"
	flock 9
	# (amd64 and i386 packages: the 686 kernel for ARCH=i686)
	cat >"$a/sources.list.$$" <<EOL
# (i386 from bookworm main only: fewer lists; its security index failed
# the archive's own size check here once, mid-sync)
deb [arch=amd64,i386 signed-by=$kr] $APT_MIRROR/debian bookworm main
deb [arch=amd64 signed-by=$kr] $APT_MIRROR/debian-security bookworm-security main
deb [arch=amd64 signed-by=$kr] $APT_MIRROR/debian trixie main
deb-src [signed-by=$kr] $APT_MIRROR/debian trixie main
deb-src [signed-by=$kr] $APT_MIRROR/debian sid main
EOL
	mv "$a/sources.list.$$" "$a/sources.list"
	cmp -s "$a/sources.list" "$a/updated" || rm -f "$a/updated"
	APT="-o APT::Architectures::=amd64 -o APT::Architectures::=i386
		-o Dir::Etc::SourceList=$a/sources.list -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists=$a/lists -o Dir::Cache=$a/cache -o APT::Sandbox::User=root"
	if [ ! -f "$a/updated" ] || [ -n "$(find "$a/updated" -mmin +1440)" ]; then
		# shellcheck disable=SC2086
		apt-get -q $APT update >&2 || die "apt-get update (private config in $a) failed"
		cp "$a/sources.list" "$a/updated"
	fi
	flock -u 9
}
