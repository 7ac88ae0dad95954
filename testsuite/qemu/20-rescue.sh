# Failures end in a rescue shell with the initramfs intact, never a panic.
. "$T/lib/testlib.sh"

# init missing in the new root
L=$TWORK/noinit.log
boot noinit -c "$MEDIUM" -t 120 -a "liveroot.label=LIVEROOT liveroot.init=/does/not/exist" \
	-e "(liveroot) # =>ls -1 /; ls -1 /etc; echo LS-DONE" \
	-e "LS-DONE=>poweroff -f" || true
has "init missing: message names the path and the reason" "$L" \
	"liveroot: init /does/not/exist \(inside /newroot\): No such file or directory"
has "init missing: rescue shell says the initramfs is intact" "$L" "rescue shell \(the initramfs is intact\)"
has "init missing: the shell still lists the initramfs" "$L" "^init$" "^bin$" "^newroot$" "^initramfs-complete$" "^LS-DONE"
hasnt "init missing: no kernel panic" "$L" "Kernel panic"

# media never appears
L=$TWORK/nomedia.log
boot nomedia -c "$MEDIUM" -t 120 -a "liveroot.label=NO-SUCH-LABEL liveroot.timeout=3" \
	-e "(liveroot) # =>poweroff -f" || true
has "media missing: clear message after the timeout, which was really waited" "$L" \
	"liveroot: LABEL=NO-SUCH-LABEL not found within 3 s \(waited [3-9][0-9]{3} ms\)" \
	"liveroot: no boot media"
has "media missing: rescue shell" "$L" "rescue shell"
hasnt "media missing: no kernel panic" "$L" "Kernel panic"

# bad parameter
L=$TWORK/badparam.log
boot badparam -t 120 -a "liveroot.label=LIVEROOT liveroot.timeout=forever" \
	-e "(liveroot) # =>poweroff -f" || true
has "bad parameter: message and rescue shell" "$L" "liveroot: timeout=forever: need whole seconds" "rescue shell"
