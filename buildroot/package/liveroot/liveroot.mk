################################################################################
#
# liveroot
#
################################################################################

LIVEROOT_VERSION = 0.2
LIVEROOT_SITE = $(BR2_EXTERNAL_LIVEROOT_PATH)/package/liveroot/skel
LIVEROOT_SITE_METHOD = local
LIVEROOT_LICENSE = GPL-2.0-only
LIVEROOT_LICENSE_FILES = LICENSE
LIVEROOT_DEPENDENCIES = busybox

# What the applet needs from BusyBox: the applet itself (its sources come
# with BusyBox's patches, BR2_GLOBAL_PATCH_DIR), a modprobe that reads
# modules.dep and modules.alias, xz-compressed modules, ash for the rescue
# shell, mount. CONFIG_LIVEROOT selects the volume_id parts itself.
define LIVEROOT_BUSYBOX_CONFIG_FIXUPS
	$(call KCONFIG_ENABLE_OPT,CONFIG_LIVEROOT)
	$(call KCONFIG_DISABLE_OPT,CONFIG_MODPROBE_SMALL)
	$(call KCONFIG_ENABLE_OPT,CONFIG_MODPROBE)
	$(call KCONFIG_ENABLE_OPT,CONFIG_FEATURE_MODUTILS_ALIAS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_FEATURE_SEAMLESS_XZ)
	$(call KCONFIG_ENABLE_OPT,CONFIG_ASH)
	$(call KCONFIG_ENABLE_OPT,CONFIG_MOUNT)
endef

# What every liveroot boot needs from the kernel (the media drivers and
# filesystems are the board's choice: board/liveroot/linux.fragment)
define LIVEROOT_LINUX_CONFIG_FIXUPS
	$(call KCONFIG_ENABLE_OPT,CONFIG_BLK_DEV_INITRD)
	$(call KCONFIG_ENABLE_OPT,CONFIG_DEVTMPFS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_TMPFS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_BLK_DEV_LOOP)
	$(call KCONFIG_ENABLE_OPT,CONFIG_SQUASHFS)
	$(call KCONFIG_ENABLE_OPT,CONFIG_OVERLAY_FS)
endef

# BusyBox must carry the applet: without this tree's patches in
# BR2_GLOBAL_PATCH_DIR, CONFIG_LIVEROOT does not exist there
define LIVEROOT_CONFIGURE_CMDS
	grep -qx 'CONFIG_LIVEROOT=y' $(BUSYBOX_DIR)/.config || { \
		echo "liveroot: BusyBox $(BUSYBOX_VERSION) has no liveroot applet: add" \
			"$(BR2_EXTERNAL_LIVEROOT_PATH)/patches and" \
			"$(BR2_EXTERNAL_LIVEROOT_PATH)/patches-common to BR2_GLOBAL_PATCH_DIR" \
			"(patches for BusyBox 1.37.0 and 1.38.0)," \
			"then make busybox-dirclean liveroot-dirclean all"; \
		exit 1; }
endef

# /init runs the applet; the marker tells it the archive was unpacked
define LIVEROOT_INSTALL_TARGET_CMDS
	$(INSTALL) -D -m 0755 $(@D)/init $(TARGET_DIR)/init
	mkdir -p $(TARGET_DIR)/newroot $(TARGET_DIR)/run $(TARGET_DIR)/etc
	touch $(TARGET_DIR)/etc/initramfs-complete
endef

$(eval $(generic-package))
