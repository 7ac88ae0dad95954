################################################################################
#
# liveroot
#
################################################################################

LIVEROOT_VERSION = 0.1
LIVEROOT_SITE = $(BR2_EXTERNAL_LIVEROOT_PATH)/../applets/liveroot
LIVEROOT_SITE_METHOD = local
LIVEROOT_LICENSE = GPL-2.0-only
LIVEROOT_LICENSE_FILES = LICENSE
LIVEROOT_DEPENDENCIES = busybox
LIVEROOT_SKEL = $(BR2_EXTERNAL_LIVEROOT_PATH)/../initramfs-skel

# The applet and what it needs from BusyBox: modprobe that reads
# modules.dep and modules.alias, xz-compressed modules, ash for the
# rescue shell. CONFIG_LIVEROOT selects the volume_id parts itself.
LIVEROOT_BUSYBOX_CONFIG_FIXUPS = \
	$(call KCONFIG_ENABLE_OPT,CONFIG_LIVEROOT) \
	$(call KCONFIG_DISABLE_OPT,CONFIG_MODPROBE_SMALL) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_MODPROBE) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_FEATURE_MODUTILS_ALIAS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_FEATURE_SEAMLESS_XZ) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_ASH) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_MOUNT)

LIVEROOT_LINUX_CONFIG_FIXUPS = \
	$(call KCONFIG_ENABLE_OPT,CONFIG_BLK_DEV_INITRD) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_RD_XZ) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_DEVTMPFS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_TMPFS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_BLK_DEV_LOOP) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_SQUASHFS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_SQUASHFS_XZ) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_SQUASHFS_ZSTD) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_EROFS_FS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_OVERLAY_FS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_ISO9660_FS) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_BLK_DEV_SR) \
	$(call KCONFIG_ENABLE_OPT,CONFIG_VFAT_FS)

# /init runs the applet; the marker tells it the archive was unpacked
define LIVEROOT_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(LIVEROOT_SKEL)/init $(TARGET_DIR)/init
	mkdir -p $(TARGET_DIR)/newroot $(TARGET_DIR)/run $(TARGET_DIR)/etc
	touch $(TARGET_DIR)/etc/initramfs-complete
endef

# BusyBox carries the applet: after its own patches, apply ours (the same
# files as patches/busybox/ of the project, in series order) and copy the
# applet's sources into liveroot/. The hook reads the external tree
# directly: a package in an external tree can't add to busybox's
# dependencies.
ifeq ($(BR2_PACKAGE_LIVEROOT),y)
define LIVEROOT_BUSYBOX_ADD_APPLET
	$(APPLY_PATCHES) $(BUSYBOX_DIR) $(LIVEROOT_PKGDIR)/busybox \*.patch
	mkdir -p $(BUSYBOX_DIR)/liveroot
	cp $(LIVEROOT_SITE)/*.c $(LIVEROOT_SITE)/*.h $(LIVEROOT_SITE)/*.src \
		$(BUSYBOX_DIR)/liveroot/
endef
# check-package TypoInPackageVariable
BUSYBOX_POST_PATCH_HOOKS += LIVEROOT_BUSYBOX_ADD_APPLET
endif

$(eval $(generic-package))
