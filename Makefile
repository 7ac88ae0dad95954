# liveroot: fetch -> toolchain -> busybox -> initramfs; check, bench, demo.
# `make help` lists the targets and variables.

LIBC        ?= uclibc
DL_DIR      ?= $(HOME)/.cache/liveroot
KERNEL_VERSION ?= 6.1.0-56-amd64
KERNEL_DIR  ?= $(DL_DIR)/kernel/$(KERNEL_VERSION)
VMLINUZ     ?= $(KERNEL_DIR)/vmlinuz
# a newer kernel for what 6.1 can't do (erofs straight from a file): tests only
NEW_KERNEL_VERSION ?= 6.12.117+deb13-amd64
NEW_KERNEL_DIR ?= $(DL_DIR)/kernel/$(NEW_KERNEL_VERSION)
# What booting from CD/ISO, USB sticks, SATA/IDE disks and virtio needs, plus
# the loop -> squashfs/erofs -> overlay stack and iso9660/vfat media.
# ext4 (for a persistent layer) is opt-in: MODULES+=ext4 (~2.5 MB unpacked).
MODULES     ?= ata_piix ata_generic ahci sr_mod sd_mod isofs \
               virtio_pci virtio_blk virtio_scsi \
               xhci_pci ehci_pci ohci_pci uhci_hcd usb_storage uas \
               loop squashfs erofs overlay vfat nls_cp437 nls_ascii nls_utf8
MODULE_COMPRESS ?= xz
COMPRESS    ?= auto
SOURCE_DATE_EPOCH ?= 1700000000
JOBS        ?= $(shell nproc)

OUT   := out
BUILD := build
BUSYBOX := $(OUT)/busybox
INITRAMFS := $(OUT)/initramfs.img

export DL_DIR SOURCE_DATE_EPOCH JOBS

APPLET_SRC := $(wildcard applets/liveroot/*)
BB_PATCHES := $(wildcard patches/busybox/*.patch) patches/busybox/series
UC_PATCHES := $(wildcard patches/uclibc/*.patch)

HOST_PKGS := gcc make patch bzip2 xz-utils zstd lz4 gzip cpio kmod file \
	squashfs-tools erofs-utils xorriso qemu-system-x86 musl-tools \
	dosfstools mtools fdisk e2fsprogs linux-libc-dev libc6-dev dpkg-dev debian-archive-keyring \
	btrfs-progs xfsprogs exfatprogs clang libclang-rt-14-dev python3

.PHONY: all help deps fetch toolchain busybox initramfs kernel size demo check \
	bench medium libc-sizes clean distclean fuzz

# toolchain stamps are kept, not deleted as intermediates
.SECONDARY:

all: $(BUSYBOX) $(INITRAMFS)
	@$(MAKE) -s size

help:
	@echo "make            build $(BUSYBOX) and $(INITRAMFS), print the size table"
	@echo "make demo       build and boot the demo live CD in qemu (exit 0 = it came up)"
	@echo "make check      the whole testsuite (host, namespace and qemu tests)"
	@echo "make size       size table: busybox, each module, unpacked and compressed"
	@echo "make bench      benchmarks (bench/RESULTS.md)"
	@echo "make libc-sizes BusyBox size with uclibc, musl and glibc side by side"
	@echo "make fuzz       fuzz the parsers of outside input (FUZZ_SECONDS=60 each)"
	@echo "make deps       install missing host packages (apt-get; prints the line if not root)"
	@echo "Variables: LIBC=uclibc|musl|glibc DL_DIR=$(DL_DIR)"
	@echo "  KERNEL_VERSION=$(KERNEL_VERSION) KERNEL_DIR=/lib/modules/VER VMLINUZ=..."
	@echo "  MODULES='...' MODULE_COMPRESS=xz|none COMPRESS=auto|xz|zstd|gzip|lz4|none"
	@echo "  BUSYBOX_TARBALL=file UCLIBC_TARBALL=file (use local source tarballs)"

# --- host packages -----------------------------------------------------
deps:
	@scripts/host-deps $(HOST_PKGS)

# --- sources -----------------------------------------------------------
SOURCES := $(DL_DIR)/busybox_1.37.0.orig.tar.bz2 $(DL_DIR)/uClibc-ng-1.0.35.tar.xz
fetch: $(SOURCES)
$(SOURCES) &: sources.sha256 scripts/fetch-sources | deps
	scripts/fetch-sources
	@touch $(SOURCES)

# --- toolchain ---------------------------------------------------------
TOOLCHAIN_STAMP = $(BUILD)/toolchain/$(1)/stamp
toolchain: $(call TOOLCHAIN_STAMP,$(LIBC))
$(BUILD)/toolchain/%/stamp: $(SOURCES) scripts/toolchain $(UC_PATCHES)
	rm -f $@
	scripts/toolchain $* $(BUILD)/toolchain/$*

# --- busybox -----------------------------------------------------------
busybox: $(BUSYBOX)
$(BUSYBOX): $(call TOOLCHAIN_STAMP,$(LIBC)) $(APPLET_SRC) $(BB_PATCHES) busybox-config \
		scripts/build-busybox $(SOURCES)
	scripts/build-busybox $(LIBC) $(BUILD)/busybox-$(LIBC) $@

$(OUT)/libc/busybox-%: $(call TOOLCHAIN_STAMP,%) $(APPLET_SRC) $(BB_PATCHES) busybox-config \
		scripts/build-busybox
	scripts/build-busybox $* $(BUILD)/busybox-$* $@

libc-sizes: $(OUT)/libc/busybox-uclibc $(OUT)/libc/busybox-musl $(OUT)/libc/busybox-glibc
	@printf '%-8s %10s %10s\n' libc stripped xz
	@for l in uclibc musl glibc; do f=$(OUT)/libc/busybox-$$l; \
	  printf '%-8s %10d %10d\n' $$l $$(wc -c <$$f) $$(xz -c --lzma2=preset=9e,dict=1MiB $$f | wc -c); done

# --- kernel (Debian's, unpacked into the cache; never installed) -------
kernel: $(VMLINUZ)
$(DL_DIR)/kernel/%/vmlinuz: | deps
	scripts/fetch-kernel $* $(DL_DIR)/kernel/$*

# --- initramfs ---------------------------------------------------------
$(BUILD)/gen_cpio: scripts/gen_cpio.c
	@mkdir -p $(BUILD)
	gcc -O2 -Wall -Wextra -o $@ $<

initramfs: $(INITRAMFS)
$(INITRAMFS): $(BUSYBOX) $(BUILD)/gen_cpio $(VMLINUZ) scripts/mkinitramfs \
		initramfs-skel/init initramfs-skel/cpio-list Makefile
	BUSYBOX=$(CURDIR)/$(BUSYBOX) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" \
	MODULE_COMPRESS=$(MODULE_COMPRESS) COMPRESS=$(COMPRESS) OUT=$(CURDIR)/$@ \
	GEN_CPIO=$(CURDIR)/$(BUILD)/gen_cpio scripts/mkinitramfs

size: $(INITRAMFS)
	@cat $(INITRAMFS).sizes

# --- demo --------------------------------------------------------------
medium: $(OUT)/demo/live.iso
$(OUT)/demo/live.iso: $(BUSYBOX) scripts/mkmedium testsuite/lib/report-init
	BUSYBOX=$(CURDIR)/$(BUSYBOX) scripts/mkmedium $(OUT)/demo

demo: $(INITRAMFS) $(OUT)/demo/live.iso
	testsuite/lib/qemu-boot -k $(VMLINUZ) -i $(INITRAMFS) -c $(OUT)/demo/live.iso \
		-m 128 -t 180 -a "liveroot.label=LIVEROOT" $(OUT)/demo/boot.log
	@grep -q '^R:end' $(OUT)/demo/boot.log && \
	  grep -q '^R:mountinfo .* / / .* - overlay ' $(OUT)/demo/boot.log && \
	  echo "demo: the live system came up on its overlay root (log: $(OUT)/demo/boot.log)" || \
	  { echo "demo: FAILED: the live system did not come up (log: $(OUT)/demo/boot.log)"; exit 1; }

# --- tests and benchmarks ----------------------------------------------
check: all $(OUT)/demo/live.iso $(NEW_KERNEL_DIR)/vmlinuz
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) MEDIUM=$(CURDIR)/$(OUT)/demo/live.iso LIBC=$(LIBC) \
	NEW_KERNEL_DIR=$(NEW_KERNEL_DIR) \
	MODULES="$(MODULES)" testsuite/run $(TESTS)

# the parsers of outside input under libFuzzer (make check runs each 3 s)
FUZZ_SECONDS ?= 60
fuzz: $(BUSYBOX)
	FUZZ_SECONDS=$(FUZZ_SECONDS) BB_TREE=$(CURDIR)/$(BUILD)/busybox-$(LIBC) testsuite/fuzz/run

bench: all $(OUT)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) bench/run
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) bench/stack
	{ echo "# Benchmark results"; echo; echo "Regenerate with \`make bench\` (qemu TCG; figures vary by a few percent between runs)."; \
	  echo; cat $(OUT)/bench/table.md; echo; cat $(OUT)/bench-stack/table.md; } >bench/RESULTS.md
	@echo "bench: wrote bench/RESULTS.md"

clean:
	rm -rf $(OUT) $(BUILD)/busybox-* $(BUILD)/gen_cpio

distclean:
	rm -rf $(OUT) $(BUILD)
