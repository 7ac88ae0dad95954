include $(sort $(wildcard $(BR2_EXTERNAL_LIVEROOT_PATH)/package/*/*.mk))
