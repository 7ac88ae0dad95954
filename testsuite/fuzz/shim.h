/* the fuzz shim: reset the per-run arena */
void shim_reset(void);
