# liveroot: fetch -> toolchain -> busybox -> initramfs; check, bench, demo.
# `make help` lists the targets and variables.

LIBC        ?= uclibc
# x86_64, or i686: 32-bit x86 for the oldest PCs (uClibc-ng built with
# -march=i586, Debian bookworm's 686 kernel, BIOS boot only); everything
# then goes to out/i686/ and build/*-i686/
ARCH        ?= x86_64
# (an ARCH exported for kernel builds -- x86, arm64 -- is not ours)
ifeq ($(origin ARCH),environment)
ifeq ($(filter x86_64 i686,$(ARCH)),)
override ARCH := x86_64
endif
endif
ifeq ($(ARCH),i686)
KERNEL_VERSION ?= 6.1.0-50-686
# old hardware: IDE/PATA CD-ROMs and disks of the common chipsets, SATA,
# USB 1.1/2.0 (UHCI, OHCI, EHCI)
MODULES     ?= ata_piix ata_generic pata_amd pata_via pata_sis pata_ali \
               pata_oldpiix pata_mpiix pata_serverworks pata_sil680 pata_cmd64x \
               pata_pdc202xx_old pata_hpt366 pata_it821x ahci sr_mod sd_mod isofs \
               ehci_pci ohci_pci uhci_hcd usb_storage \
               loop squashfs erofs overlay vfat nls_cp437 nls_ascii nls_utf8
ARCH_SUFFIX := -i686
else ifeq ($(ARCH),x86_64)
ARCH_SUFFIX :=
else
$(error ARCH=$(ARCH): use x86_64 or i686)
endif
# BusyBox release: 1.38.0 (Debian sid's orig tarball) or 1.37.0 (trixie's)
BUSYBOX_VERSION ?= 1.38.0
DL_DIR      ?= $(HOME)/.cache/liveroot
KERNEL_VERSION ?= 6.1.0-56-amd64
KERNEL_DIR  ?= $(DL_DIR)/kernel/$(KERNEL_VERSION)
VMLINUZ     ?= $(KERNEL_DIR)/vmlinuz
# a newer kernel for what 6.1 can't do (erofs straight from a file): tests only
NEW_KERNEL_VERSION ?= 6.12.117+deb13-amd64
NEW_KERNEL_DIR ?= $(DL_DIR)/kernel/$(NEW_KERNEL_VERSION)
# What booting from CD/ISO, USB sticks, SATA/IDE disks and virtio needs, plus
# the loop -> squashfs/erofs -> overlay stack and iso9660/vfat media.
# ext4 (for a persistent layer) is opt-in: EXTRA_MODULES=ext4 (~2.5 MB
# unpacked).  (On the command line, MODULES= replaces this whole list.)
MODULES     ?= ata_piix ata_generic ahci sr_mod sd_mod isofs \
               virtio_pci virtio_blk virtio_scsi \
               xhci_pci ehci_pci ohci_pci uhci_hcd usb_storage uas \
               loop squashfs erofs overlay vfat nls_cp437 nls_ascii nls_utf8
EXTRA_MODULES ?=
# make iso VERITY=1: a dm-verity hash tree; the initramfs gets the modules
VERITY ?= 0
ifeq ($(VERITY),1)
ifeq ($(filter verity,$(EXTRA_MODULES)),)
EXTRA_MODULES += verity
endif
endif
MODULE_COMPRESS ?= xz
COMPRESS    ?= auto
SOURCE_DATE_EPOCH ?= 1700000000
JOBS        ?= $(shell nproc)
# make iso: the root (a directory, or a squashfs/erofs image), the image made,
# its volume label, the root image's compression and block size (defaults
# measured: bench/results/RESULTS.md), SERIAL=1: boot menus and console on ttyS0 too
ROOT        ?= $(OUTDIR)/demo/root
ISO         ?= $(OUTDIR)/live.iso
ISO_LABEL   ?= LIVEROOT
IMAGE_TYPE  ?= squashfs
SQUASHFS_COMP ?= xz
SQUASHFS_BLOCK ?= 128K
SERIAL      ?=
FUZZ_SECONDS ?= 60

OUTDIR := out$(if $(ARCH_SUFFIX),/$(ARCH))
BUILD := build
# the toolchain and BusyBox build trees: uclibc, uclibc-i686, ...
TC    := $(LIBC)$(ARCH_SUFFIX)
BUSYBOX := $(OUTDIR)/busybox
INITRAMFS := $(OUTDIR)/initramfs.img

export DL_DIR SOURCE_DATE_EPOCH JOBS BUSYBOX_VERSION
# how the build runs a program made for the target (BusyBox's --list-full):
# the toolchain's bin/run, under qemu-user where this kernel can't run it
TARGET_RUN = $(wildcard $(CURDIR)/$(BUILD)/toolchain/$(TC)/bin/run)
export TARGET_RUN

# The configuration that produced each output: $(BUILD)/config/NAME.vars
# holds the variables it was made with, rewritten (and so newer than the
# output) only when one of them changes.  An output that depends on it is
# rebuilt after `make COMPRESS=zstd`, `make LIBC=musl` and back, a new
# KERNEL_DIR, ...
record = $(shell mkdir -p $(BUILD)/config && \
	printf '%s\n' $(foreach v,$(2),'$(v)=$(subst ','\'',$(strip $($(v))))') >$(BUILD)/config/$(1).vars.new && \
	{ cmp -s $(BUILD)/config/$(1).vars.new $(BUILD)/config/$(1).vars && \
	  rm -f $(BUILD)/config/$(1).vars.new || \
	  mv $(BUILD)/config/$(1).vars.new $(BUILD)/config/$(1).vars; })$(BUILD)/config/$(1).vars
BUSYBOX_VARS := $(call record,busybox$(ARCH_SUFFIX),LIBC ARCH BUSYBOX_VERSION SOURCE_DATE_EPOCH)
INITRAMFS_VARS := $(call record,initramfs$(ARCH_SUFFIX),ARCH LIBC BUSYBOX_VERSION MODULES EXTRA_MODULES MODULE_COMPRESS COMPRESS \
	SOURCE_DATE_EPOCH KERNEL_VERSION KERNEL_DIR VMLINUZ)

APPLET_SRC := $(wildcard applets/liveroot/*)
BB_PATCHES := $(wildcard patches/busybox/*.patch patches/busybox/*/*.patch) patches/busybox/series
UC_PATCHES := $(wildcard patches/uclibc/*.patch)

HOST_PKGS := gcc make patch bzip2 xz-utils zstd lz4 gzip cpio kmod file \
	squashfs-tools erofs-utils xorriso qemu-system-x86 musl-tools \
	dosfstools mtools fdisk e2fsprogs linux-libc-dev libc6-dev dpkg-dev debian-archive-keyring \
	isolinux syslinux-common grub-efi-amd64-bin grub-common gcc-multilib qemu-user-static \
	initramfs-tools-core cryptsetup-bin
# the tests: other filesystems, the fuzzers, buildroot's own tools
TEST_PKGS := btrfs-progs xfsprogs exfatprogs clang libclang-rt-dev python3 \
	python3-magic python3-flake8 shellcheck rsync bc unzip wget perl g++ \
	debootstrap busybox-static ntfs-3g exfat-fuse ovmf gnuplot-nox nbd-server

.PHONY: all help deps deps-build fetch toolchain busybox initramfs kernel size demo demo-debian iso check torture \
	bench bench-iso bench-secureboot bench-verity bench-background bench-stages bench-floors bench-peers bench-net bench-i686 check-i686 medium libc-sizes clean distclean fuzz mutate buildroot-external check-buildroot \
	remaster check-remaster bench-remaster

# toolchain stamps are kept, not deleted as intermediates
.SECONDARY:

all: $(BUSYBOX) $(INITRAMFS)
	@$(MAKE) -s size

help:
	@echo "Targets:"
	@echo "  make             build $(BUSYBOX) and $(INITRAMFS), print the size table (= all)"
	@echo "  make help        this list"
	@echo "  make deps        install missing host packages for building and testing (apt-get;"
	@echo "                   prints the line if not root); make deps-build: for building only"
	@echo "  make fetch       download and check the pinned sources (into DL_DIR)"
	@echo "  make toolchain   build the LIBC toolchain (uClibc-ng: ~7 min)"
	@echo "  make busybox     build $(BUSYBOX) with the liveroot applet"
	@echo "  make kernel      fetch Debian's kernel KERNEL_VERSION into DL_DIR/kernel"
	@echo "  make initramfs   build $(INITRAMFS)"
	@echo "  make size        size table: busybox, each module, unpacked and compressed"
	@echo "  make medium      the demo live CD, $(OUTDIR)/demo/live.iso"
	@echo "  make demo        build and boot the demo live CD in qemu (exit 0 = it came up)"
	@echo "  make check       the whole testsuite (host, namespace and qemu tests)"
	@echo "  make fuzz        fuzz the parsers of outside input, FUZZ_SECONDS each"
	@echo "  make buildroot-external  write buildroot/'s generated parts (patches, skel)"
	@echo "  make check-buildroot BUILDROOT=DIR|TARBALL  test buildroot/ with that buildroot"
	@echo "  make mutate      plant bugs in the applet one at a time: do the tests catch each?"
	@echo "  make torture     power cuts against the persistent layer, CUTS per layout (figures:"
	@echo "                   bench/results/RESULTS.md); make check runs a short version"
	@echo "  make iso         a hybrid live image (CD/USB, BIOS/UEFI) of ROOT in ISO"
	@echo "  make demo-debian Debian bookworm with systemd as a live image, booted to multi-user"
	@echo "  make bench       benchmarks (bench/results/RESULTS.md)"
	@echo "  make bench-iso   make iso's defaults measured (bench/results/iso.md)"
	@echo "  make bench-secureboot  make iso's RAM floor per firmware and Secure Boot chain"
	@echo "  make bench-verity  time to init and read throughput: none, dm-verity, verify="
	@echo "  make bench-background  time to multi-user and to the media's release: toram=no, yes, background"
	@echo "  make bench-stages  /init to the root's init, stage by stage: classic /init, before, now"
	@echo "  make bench-floors  a systemd root's smallest RAM beside the kernel's, without and with zram="
	@echo "  make bench-peers liveroot beside live-boot and dracut on one Debian root (bench/results/peers.md)"
	@echo "  make bench-net   fetch= against wget, nbd= below the image's size (bench/results/net.md)"
	@echo "  make remaster IN=their.iso [OUT=out/remastered.iso]  their live ISO (Debian Live,"
	@echo "                   Ubuntu/Mint, archiso, Fedora) with liveroot's initramfs; boot menus,"
	@echo "                   BIOS/UEFI and Secure Boot chain kept (REMASTER_FLAGS=-n: the plan only)"
	@echo "  make check-remaster  a real Debian Live ISO (live-build, cached) remastered, booted"
	@echo "  make bench-remaster  original vs remastered ISOs: RAM floor, time to multi-user"
	@echo "  make bench-i686  the i686 build's RAM floors on a Pentium II (bench/results/i686.md)"
	@echo "  make check-i686  the ARCH=i686 build's demo image, for make check (out/i686/)"
	@echo "  make libc-sizes  BusyBox size with uclibc, musl and glibc side by side"
	@echo "  make clean       remove $(OUTDIR) and the BusyBox builds (keeps the toolchains)"
	@echo "  make distclean   remove $(OUTDIR) and $(BUILD) (DL_DIR is kept)"
	@echo "Variables (a change rebuilds what it affects):"
	@echo "  ARCH=x86_64|i686                i686: 32-bit x86 for the oldest PCs, in out/i686/ ($(ARCH))"
	@echo "  LIBC=uclibc|musl|glibc          ($(LIBC))"
	@echo "  BUSYBOX_VERSION=1.38.0|1.37.0   the BusyBox release ($(BUSYBOX_VERSION))"
	@echo "  DL_DIR=DIR                      downloads, shared between checkouts ($(DL_DIR))"
	@echo "  KERNEL_VERSION=VER              Debian kernel release ($(KERNEL_VERSION))"
	@echo "  KERNEL_DIR=/lib/modules/VER     a module tree of your own (with VMLINUZ=...)"
	@echo "  VMLINUZ=FILE                    the kernel the tests and the demo boot"
	@echo "  NEW_KERNEL_VERSION=VER          the newer kernel for the tests ($(NEW_KERNEL_VERSION))"
	@echo "  NEW_KERNEL_DIR=DIR              its module tree (DL_DIR/kernel/NEW_KERNEL_VERSION)"
	@echo "  MODULES='a b ...'               the module set (default: CD/ISO, USB, SATA/IDE, virtio, loop,"
	@echo "                                  squashfs, erofs, overlay, vfat)"
	@echo "  EXTRA_MODULES='ext4 ...'        modules added to MODULES (ext4: a persistent layer)"
	@echo "  MODULE_COMPRESS=xz|none         how modules are stored that need converting ($(MODULE_COMPRESS))"
	@echo "                                  (.ko.zst/.ko.gz: converted unless the kernel unpacks them)"
	@echo "  COMPRESS=auto|xz|zstd|gzip|lz4|none  the initramfs ($(COMPRESS): the smallest the kernel unpacks)"
	@echo "  SOURCE_DATE_EPOCH=N             every timestamp in the outputs ($(SOURCE_DATE_EPOCH))"
	@echo "  JOBS=N                          parallel compile jobs ($(JOBS))"
	@echo "  TESTS='host/20-options.sh ...'  make check: run only these test files"
	@echo "  FUZZ_SECONDS=N                  make fuzz: seconds per target ($(FUZZ_SECONDS))"
	@echo "  CUTS=N                          make torture: power cuts per layout ($(CUTS))"
	@echo "  BUILDROOT=DIR|TARBALL           make check-buildroot: the buildroot to test with"
	@echo "  ROOT=DIR|IMAGE ISO=FILE         make iso: the root and the image ($(ROOT) -> $(ISO))"
	@echo "  ISO_LABEL=L                     make iso: its volume label, named by the boot entries ($(ISO_LABEL))"
	@echo "  IMAGE_TYPE=squashfs|erofs SQUASHFS_COMP=xz|zstd|gzip|lz4 SQUASHFS_BLOCK=128K"
	@echo "                                  make iso: the root image made from a ROOT directory"
	@echo "  SERIAL=1                        make iso: menus and console on the serial port too"
	@echo "  UEFI=1|0                        make iso: GRUB for UEFI too, or BIOS only ($(UEFI))"
	@echo "  VERITY=1                        make iso: a dm-verity hash tree behind the root image, its"
	@echo "                                  root hash in the entries (liveroot.verity=); adds the"
	@echo "                                  initramfs's verity module group ($(VERITY))"
	@echo "  SECUREBOOT=1|0 EFI_SUITE=trixie|bookworm EFI_LOADER=systemd-boot|grub"
	@echo "                                  make iso: UEFI through Debian's signed shim + systemd-boot"
	@echo "                                  (trixie's default) or GRUB (from that release), booting"
	@echo "                                  where Secure Boot is on; 0: our own unsigned GRUB"
	@echo "                                  ($(SECUREBOOT), $(EFI_SUITE), $(or $(EFI_LOADER),the release's default))"
	@echo "  BUSYBOX_TARBALL=FILE UCLIBC_TARBALL=FILE  use local source tarballs"

# --- host packages -----------------------------------------------------
# deps-build: what building needs; deps: that and what the tests need
deps-build:
	@scripts/host-deps $(HOST_PKGS)
deps:
	@scripts/host-deps $(HOST_PKGS) $(TEST_PKGS)

# --- sources -----------------------------------------------------------
# The downloads are shared between checkouts (DL_DIR): never touched here.
# A stamp of this checkout's own says they were checked against
# sources.sha256; the builds depend on it.
SOURCES := $(DL_DIR)/busybox_$(BUSYBOX_VERSION).orig.tar.bz2 $(DL_DIR)/uClibc-ng-1.0.35.tar.xz
FETCHED := $(BUILD)/sources.checked
fetch: $(FETCHED)
$(SOURCES) &: | deps-build
	scripts/fetch-sources
$(FETCHED): $(SOURCES) sources.sha256 scripts/fetch-sources | deps-build
	scripts/fetch-sources
	@mkdir -p $(BUILD) && touch $@
# the toolchain depends on uClibc-ng's pins only (not on BusyBox's): recorded
# like a variable, so that only a change of them rebuilds it
UCLIBC_PINS := $(shell grep -i uclibc sources.sha256 | cut -c1-64 | tr '\n' ' ')
TOOLCHAIN_VARS := $(call record,toolchain,UCLIBC_PINS)

# --- toolchain ---------------------------------------------------------
TOOLCHAIN_STAMP = $(BUILD)/toolchain/$(1)/stamp
toolchain: $(call TOOLCHAIN_STAMP,$(TC))
$(BUILD)/toolchain/%/stamp: $(TOOLCHAIN_VARS) scripts/toolchain $(UC_PATCHES) | $(FETCHED)
	rm -f $@
	scripts/toolchain $* $(BUILD)/toolchain/$*

# --- busybox -----------------------------------------------------------
busybox: $(BUSYBOX)
$(BUSYBOX): $(call TOOLCHAIN_STAMP,$(TC)) $(APPLET_SRC) $(BB_PATCHES) busybox-config \
		scripts/build-busybox $(FETCHED) $(BUSYBOX_VARS)
	scripts/build-busybox $(TC) $(BUILD)/busybox-$(TC) $@

$(OUTDIR)/libc/busybox-%: $(call TOOLCHAIN_STAMP,%) $(APPLET_SRC) $(BB_PATCHES) busybox-config \
		scripts/build-busybox $(BUSYBOX_VARS)
	scripts/build-busybox $* $(BUILD)/busybox-$* $@

libc-sizes: x86-only $(OUTDIR)/libc/busybox-uclibc $(OUTDIR)/libc/busybox-musl $(OUTDIR)/libc/busybox-glibc
	@printf '%-8s %10s %10s\n' libc stripped xz
	@for l in uclibc musl glibc; do f=$(OUTDIR)/libc/busybox-$$l; \
	  printf '%-8s %10d %10d\n' $$l $$(wc -c <$$f) $$(xz -c --lzma2=preset=9e,dict=1MiB $$f | wc -c); done

# --- kernel (Debian's, unpacked into the cache; never installed) -------
kernel: $(VMLINUZ)
$(DL_DIR)/kernel/%/vmlinuz: | deps-build
	scripts/fetch-kernel $* $(DL_DIR)/kernel/$*

# --- initramfs ---------------------------------------------------------
$(BUILD)/gen_cpio: scripts/gen_cpio.c
	@mkdir -p $(BUILD)
	gcc -O2 -Wall -Wextra -o $@ $<

initramfs: $(INITRAMFS)
$(INITRAMFS): $(BUSYBOX) $(BUILD)/gen_cpio $(VMLINUZ) scripts/mkinitramfs \
		initramfs-skel/init initramfs-skel/cpio-list Makefile $(INITRAMFS_VARS)
	BUSYBOX=$(CURDIR)/$(BUSYBOX) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES) $(EXTRA_MODULES)" \
	MODULE_COMPRESS=$(MODULE_COMPRESS) COMPRESS=$(COMPRESS) OUT=$(CURDIR)/$@ \
	GEN_CPIO=$(CURDIR)/$(BUILD)/gen_cpio scripts/mkinitramfs

size: $(INITRAMFS)
	@cat $(INITRAMFS).sizes
	@echo
	@echo "opt-in module groups (make EXTRA_MODULES=NAME), what each adds:"
	@BUSYBOX=$(CURDIR)/$(BUSYBOX) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" \
	MODULE_COMPRESS=$(MODULE_COMPRESS) COMPRESS=$(COMPRESS) \
	ALT_KERNEL_DIR=$(wildcard $(NEW_KERNEL_DIR)) GEN_CPIO=$(CURDIR)/$(BUILD)/gen_cpio scripts/size-groups

# --- demo --------------------------------------------------------------
medium: $(OUTDIR)/demo/live.iso
$(OUTDIR)/demo/live.iso: $(BUSYBOX) scripts/mkmedium testsuite/lib/report-init
	BUSYBOX=$(CURDIR)/$(BUSYBOX) scripts/mkmedium $(OUTDIR)/demo

# the demo root as a hybrid image (serial console for the log), booted the way
# a PC boots it: SeaBIOS, ISOLINUX from the CD, the kernel, liveroot
# (ARCH=i686: BIOS only, a Pentium II with 64 MB)
DEMO_QEMU := $(if $(ARCH_SUFFIX),-x i686 -m 64,-m 128)
UEFI ?= $(if $(ARCH_SUFFIX),0,1)
SECUREBOOT ?= 1
EFI_SUITE ?= trixie
EFI_LOADER ?=
$(OUTDIR)/demo/boot.iso: $(INITRAMFS) $(OUTDIR)/demo/live.iso scripts/mkiso
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) LABEL=LIVEROOT SERIAL=1 UEFI=$(UEFI) \
		SECUREBOOT=$(SECUREBOOT) EFI_SUITE=$(EFI_SUITE) EFI_LOADER=$(EFI_LOADER) scripts/mkiso $(OUTDIR)/demo/root $@
demo: $(OUTDIR)/demo/boot.iso
	testsuite/lib/qemu-boot -F bios -c $(OUTDIR)/demo/boot.iso $(DEMO_QEMU) -t 240 $(OUTDIR)/demo/boot.log
	@grep -q '^R:end' $(OUTDIR)/demo/boot.log && \
	  grep -q '^R:mountinfo .* / / .* - overlay ' $(OUTDIR)/demo/boot.log && \
	  echo "demo: the live system came up on its overlay root (log: $(OUTDIR)/demo/boot.log)" || \
	  { echo "demo: FAILED: the live system did not come up (log: $(OUTDIR)/demo/boot.log)"; exit 1; }

# a real distribution: Debian bookworm with systemd (debootstrap, cached in
# DL_DIR) as a hybrid image, booted through SeaBIOS to multi-user.target
demo-debian: $(INITRAMFS)
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) ARCH=$(ARCH) scripts/demo-debian $(OUTDIR)/debian

# --- the hybrid image: BIOS and UEFI, CD and USB stick ------------------
iso: $(INITRAMFS) $(if $(filter $(OUTDIR)/demo/root,$(ROOT)),$(OUTDIR)/demo/live.iso)
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) LABEL=$(ISO_LABEL) IMAGE_TYPE=$(IMAGE_TYPE) \
	COMP=$(SQUASHFS_COMP) BLOCK=$(SQUASHFS_BLOCK) SERIAL=$(SERIAL) UEFI=$(UEFI) \
	SECUREBOOT=$(SECUREBOOT) EFI_SUITE=$(EFI_SUITE) EFI_LOADER=$(EFI_LOADER) VERITY=$(VERITY) \
	scripts/mkiso $(ROOT) $(ISO)

# --- tests and benchmarks ----------------------------------------------
# (TESTS naming files: the i686 build only when qemu/17-i686.sh is one of them)
CHECK_I686 := $(if $(TESTS),$(if $(findstring 17-i686,$(TESTS)),check-i686),check-i686)
check: x86-only all $(OUTDIR)/demo/live.iso $(NEW_KERNEL_DIR)/vmlinuz $(call TOOLCHAIN_STAMP,uclibc) $(CHECK_I686)
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) MEDIUM=$(CURDIR)/$(OUTDIR)/demo/live.iso LIBC=$(LIBC) \
	NEW_KERNEL_DIR=$(NEW_KERNEL_DIR) I686_DIR=$(CURDIR)/out/i686 \
	MODULES="$(strip $(MODULES) $(EXTRA_MODULES))" testsuite/run $(TESTS)

# make check boots the ARCH=i686 build too: its toolchain, BusyBox,
# initramfs and demo image, made by a make of its own
# (the sub-make gets none of this make's command-line variables: they name
# the x86_64 build's kernel, modules, ...; after the sources and gen_cpio,
# which both makes would otherwise make at once under -j)
check-i686: MAKEOVERRIDES :=
check-i686: $(FETCHED) $(BUILD)/gen_cpio | deps-build
	env -u KERNEL_VERSION -u KERNEL_DIR -u VMLINUZ -u MODULES -u EXTRA_MODULES -u OUT -u UEFI \
		-u MODULE_COMPRESS -u COMPRESS $(MAKE) ARCH=i686 LIBC=uclibc out/i686/demo/boot.iso

# the tests and benchmarks run from the x86_64 build (make check builds and
# boots the i686 one too)
x86-only:
	@[ -z "$(ARCH_SUFFIX)" ] || { echo "make $(MAKECMDGOALS): not with ARCH=$(ARCH); run it without ARCH (make check boots the i686 build too)" >&2; exit 1; }

# the parsers of outside input under libFuzzer (make check runs each 3 s)
fuzz: x86-only $(BUSYBOX)
	FUZZ_SECONDS=$(FUZZ_SECONDS) BB_TREE=$(CURDIR)/$(BUILD)/busybox-$(TC) testsuite/fuzz/run

# the user's own live ISO with liveroot's initramfs (scripts/remaster; -n:
# REMASTER_FLAGS=-n shows the plan only)
IN ?=
OUT ?= $(OUTDIR)/remastered.iso
remaster: x86-only all
	@test -n "$(IN)" || { echo "make remaster IN=their.iso [OUT=out/remastered.iso]" >&2; exit 2; }
	BUSYBOX=$(CURDIR)/$(BUSYBOX) GEN_CPIO=$(CURDIR)/$(BUILD)/gen_cpio \
	MODULES="$(strip $(MODULES) $(EXTRA_MODULES))" scripts/remaster $(REMASTER_FLAGS) "$(IN)" "$(OUT)"

# the real Debian Live ISO (live-build, cached in DL_DIR: about 20 minutes
# the first time) remastered and booted through SeaBIOS and OVMF, from a CD
# and a USB stick, to multi-user
check-remaster: x86-only all
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) MODULES="$(strip $(MODULES) $(EXTRA_MODULES))" \
	testsuite/run distro/10-debian-live.sh

# the Debian Live ISO and the layouts' ISOs, original and remastered: RAM
# floor, MemAvailable and time to multi-user (bench/results/remaster.md)
bench-remaster: x86-only all
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) \
	MODULES="$(strip $(MODULES) $(EXTRA_MODULES))" bench/remaster

# the BR2_EXTERNAL tree against a real buildroot (tree or release tarball)
buildroot-external:
	scripts/mkbrexternal
check-buildroot: $(call TOOLCHAIN_STAMP,uclibc) $(FETCHED)
	@test -n "$(BUILDROOT)" || { echo "make check-buildroot BUILDROOT=<buildroot tree or tarball>"; exit 2; }
	BUSYBOX_VERSION=1.37.0 scripts/fetch-sources >/dev/null
	BUSYBOX_VERSION=1.38.0 scripts/fetch-sources >/dev/null
	scripts/check-buildroot $(BUILDROOT)

# plant bugs in the applet one at a time; the fast tests must catch each
mutate: x86-only all $(OUTDIR)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) MEDIUM=$(CURDIR)/$(OUTDIR)/demo/live.iso LIBC=$(LIBC) \
	MODULES="$(MODULES)" testsuite/mutate

# power cuts against the persistent layer: CUTS per layout (make check runs 3)
CUTS ?= 20
torture: x86-only all $(OUTDIR)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" CUTS=$(CUTS) bench/torture

bench: x86-only all $(OUTDIR)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) bench/run
	BUSYBOX=$(CURDIR)/$(BUSYBOX) INITRAMFS=$(CURDIR)/$(INITRAMFS) VMLINUZ=$(VMLINUZ) \
	KERNEL_DIR=$(KERNEL_DIR) bench/stack
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) KERNEL_DIR=$(KERNEL_DIR) bench/peers
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) bench/iso
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) bench/secureboot
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/verity
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/background
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/net
	$(MAKE) bench-stages
	$(MAKE) bench-floors
	$(MAKE) bench-i686
	{ echo "# Benchmark results"; echo; echo "Regenerate with \`make bench\` (qemu TCG; figures vary by a few percent between runs)."; \
	  echo; cat $(OUTDIR)/bench/table.md; echo; cat $(OUTDIR)/bench-stack/table.md; \
	  for f in bench/results/stages.md bench/results/peers.md bench/results/remaster.md bench/results/iso.md bench/results/secureboot.md bench/results/verity.md bench/results/background.md bench/results/floors.md bench/results/net.md bench/results/i686.md bench/results/fuzz.md bench/results/mutate.md bench/results/torture.md; do [ -f $$f ] && { echo; cat $$f; }; done; } >bench/results/RESULTS.md
	@echo "bench: wrote bench/results/RESULTS.md"

# liveroot beside live-boot's and dracut's initramfs on one Debian root and
# kernel (bench/results/peers.md, bench/results/peers.svg; part of bench/results/RESULTS.md)
bench-peers: x86-only $(INITRAMFS)
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) KERNEL_DIR=$(KERNEL_DIR) bench/peers

# make iso's defaults: compression/block size on a Debian root, the RAM floor per
# firmware (bench/results/iso.md, part of bench/results/RESULTS.md)
bench-iso: x86-only $(INITRAMFS) $(OUTDIR)/demo/live.iso
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) bench/iso

# make iso's RAM floor through SeaBIOS, OVMF, and Secure Boot with Debian's 12
# and 13 chains (bench/results/secureboot.md, part of bench/results/RESULTS.md)
bench-secureboot: x86-only $(INITRAMFS) $(OUTDIR)/demo/live.iso
	VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) bench/secureboot

# what integrity costs: none, dm-verity, verify= on a 256 MiB image
# (bench/results/verity.md, part of bench/results/RESULTS.md)
bench-verity: x86-only all $(OUTDIR)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/verity

# toram=background against toram=yes and no copy: time to multi-user and to
# the media's release, the Debian systemd root (bench/results/background.md)
bench-background: x86-only all
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/background

# /init to the root's init stage by stage: the classic /init, liveroot at
# BASE and now, one and two CPUs (bench/results/stages.md)
bench-stages: x86-only all $(OUTDIR)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) \
	KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/stages

# a real systemd root's RAM floor next to the kernel's, without and with
# liveroot.zram= (bench/results/floors.md; ARCHES=x86_64 for one arch)
bench-floors: x86-only all
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) INITRAMFS=$(CURDIR)/$(INITRAMFS) \
	KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/floors

# the i686 build's RAM floors on a Pentium II (bench/results/i686.md)
bench-i686: x86-only check-i686
	bench/i686

# network boot: fetch= against wget, nbd= below the image's size (bench/results/net.md)
bench-net: x86-only all $(OUTDIR)/demo/live.iso
	BUSYBOX=$(CURDIR)/$(BUSYBOX) VMLINUZ=$(VMLINUZ) KERNEL_DIR=$(KERNEL_DIR) MODULES="$(MODULES)" bench/net

clean:
	rm -rf $(OUTDIR) $(if $(ARCH_SUFFIX),$(BUILD)/busybox-*$(ARCH_SUFFIX),$(BUILD)/busybox-* $(BUILD)/gen_cpio)

distclean:
	rm -rf $(OUTDIR) $(BUILD)
