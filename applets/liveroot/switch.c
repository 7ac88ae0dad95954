/* vi: set sw=4 ts=4: */
/*
 * liveroot: a switch_root that checks before it deletes.
 *
 * 1. checks, nothing changed yet: PID 1, rootfs is ramfs/tmpfs, NEWROOT is
 *    a mount point, INIT resolved inside NEWROOT is an executable regular
 *    file for this kernel's machine whose ELF interpreter or #! interpreter
 *    exists inside NEWROOT, the console opens; no mount but / is backed by
 *    rootfs (bind mounts, overlay layers: the wipe would delete them), and
 *    every mount on rootfs has a directory in NEWROOT to move to (-d:
 *    detach those that have none);
 * 2. processes that keep files of rootfs busy are reported (-k: killed);
 * 3. every mount on rootfs outside NEWROOT moves to the same path inside
 *    NEWROOT; if one move fails, the others are moved back: refusal;
 * 4. pivot_root, or where / can't be pivoted (rootfs), NEWROOT moves onto /
 *    and we chroot;
 * 5. rootfs is wiped through a saved fd: no symlink followed, no mount
 *    crossed, directories removed too, no recursion;
 * 6. console, exec INIT; if that still fails, NEWROOT's /bin/sh.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//kbuild:lib-$(CONFIG_LIVEROOT) += switch.o

#include "libbb.h"
#include "liveroot.h"
#include <sys/mount.h>
#include <sys/vfs.h>
#include <elf.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#ifndef RAMFS_MAGIC
# define RAMFS_MAGIC 0x858458f6
#endif
#ifndef TMPFS_MAGIC
# define TMPFS_MAGIC 0x01021994
#endif
#ifndef O_PATH
# define O_PATH 010000000
#endif

/* --- 1. is INIT something the kernel can run as PID 1? ----------------- */

static ssize_t fd_read_at(void *ctx, void *buf, size_t n, unsigned long long off)
{
	return pread(*(int *)ctx, buf, n, off);
}

/* Open PATH inside rootfd for reading, without opening a FIFO or device
 * (that could block or have side effects): O_PATH first, then the file
 * itself through /proc/self/fd once it is known to be a regular file.
 * Returns the fd, -1 with errno, or -2 (not regular; *st tells). */
static int open_regular(int rootfd, const char *path, struct stat *st)
{
	char fdp[32];
	int pfd = lr_open_in_root(rootfd, path, O_PATH), fd;

	if (pfd < 0)
		return -1;
	if (fstat(pfd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(pfd);
		return -2;
	}
	sprintf(fdp, "/proc/self/fd/%d", pfd);
	fd = open(fdp, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) /* no /proc: non-blocking, it is regular */
		fd = lr_open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	close(pfd);
	return fd;
}

/* Is PATH (inside rootfd) something the kernel can exec as PID 1?
 * Prints why not.  what: "init", "interpreter of ...".  elf_only: an
 * ELF interpreter must itself be an ELF file.  (Long: each kind of file
 * the kernel could be given -- ELF, script, anything else -- in order.) */
static int check_exec(int rootfd, const char *newroot, const char *path,
		const char *what, int depth, int elf_only)
{
	unsigned char hdr[256];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	fd = open_regular(rootfd, path, &st);
	if (fd == -1) {
		bb_perror_msg("%s %s (inside %s)", what, path, newroot);
		return -1;
	}
	if (fd == -2) {
		bb_error_msg("%s %s (inside %s) is not a regular file", what, path, newroot);
		return -1;
	}
	if (!(st.st_mode & 0111)) {
		bb_error_msg("%s %s (inside %s) is not executable (mode %04o)",
				what, path, newroot, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	n = pread(fd, hdr, sizeof(hdr) - 1, 0);
	if (n < 4) {
		bb_error_msg("%s %s (inside %s) is empty or unreadable", what, path, newroot);
		goto out;
	}
	hdr[n] = '\0';
	if (memcmp(hdr, ELFMAG, SELFMAG) == 0) {
		/* for the running kernel's machine, its PT_INTERP inside NEWROOT */
		struct utsname u;
		unsigned machine = 0, also = 0;
		const char *interp, *why;
		char *ibuf = xmalloc(PATH_MAX + 1);

		if (uname(&u) == 0)
			machine = lr_elf_machine(u.machine, &also);
		if (machine == 0) {
			/* a machine we don't know: accept what its ELF says */
			machine = hdr[EI_DATA] == ELFDATA2LSB ? (hdr[18] | (hdr[19] << 8))
					: ((hdr[18] << 8) | hdr[19]);
		}
		if (lr_elf_inspect(fd_read_at, &fd, machine, also, ibuf, &interp, &why) != 0) {
			bb_error_msg("%s %s (inside %s): %s (e_machine %u, this kernel runs %u)",
					what, path, newroot, why,
					hdr[EI_DATA] == ELFDATA2LSB ? (hdr[18] | (hdr[19] << 8))
						: ((hdr[18] << 8) | hdr[19]), machine);
		} else if (interp && (depth > 0 || elf_only)) {
			bb_error_msg("%s %s (inside %s): an ELF interpreter with an interpreter",
					what, path, newroot);
		} else if (interp) {
			char *w = xasprintf("ELF interpreter of %s:", path);
			rc = check_exec(rootfd, newroot, interp, w, depth + 1, 1);
			free(w);
		} else {
			rc = 0; /* static binary */
		}
		free(ibuf);
	} else if (elf_only) {
		bb_error_msg("%s %s (inside %s) is not an ELF file", what, path, newroot);
	} else if (hdr[0] == '#' && hdr[1] == '!') {
		/* as the kernel reads it: blanks, then the interpreter, on the first line */
		char *p = (char *)hdr + 2 + strspn((char *)hdr + 2, " \t"), *e, *w;

		e = strpbrk(p, " \t\n");
		if (!e)
			e = p + strlen(p);  /* "#!/bin/sh" and nothing after it */
		if (*p == '\0' || *p == '\n') {
			bb_error_msg("%s %s (inside %s): '#!' line without interpreter", what, path, newroot);
			goto out;
		}
		*e = '\0';
		if (depth >= 4) {
			bb_error_msg("%s %s: too many nested interpreters", what, path);
			goto out;
		}
		w = xasprintf("'#!' interpreter of %s", path);
		rc = check_exec(rootfd, newroot, p, w, depth + 1, 0);
		free(w);
	} else {
		bb_error_msg("%s %s (inside %s) is neither an ELF binary nor a '#!' script",
				what, path, newroot);
	}
 out:
	close(fd);
	return rc;
}

/* --- 2. processes that keep rootfs files busy -------------------------- */

static int on_rootfs(const char *link, dev_t rootdev)
{
	struct stat st;
	return stat(link, &st) == 0 && st.st_dev == rootdev;
}

static void check_processes(dev_t rootdev, unsigned flags)
{
	procps_status_t *p = NULL;
	pid_t self = getpid();

	while ((p = procps_scan(p, PSSCAN_PID | PSSCAN_COMM)) != NULL) {
		char path[64];
		const char *why = NULL;
		DIR *d;

		if (p->pid == self)
			continue;
		sprintf(path, "/proc/%u/exe", p->pid);
		if (access(path, F_OK) != 0)
			continue; /* a kernel thread: pins nothing */
		if (on_rootfs(path, rootdev))
			why = "runs a program";
		sprintf(path, "/proc/%u/cwd", p->pid);
		if (!why && on_rootfs(path, rootdev))
			why = "has its working directory";
		sprintf(path, "/proc/%u/root", p->pid);
		if (!why && on_rootfs(path, rootdev))
			why = "has its root";
		sprintf(path, "/proc/%u/fd", p->pid);
		d = why ? NULL : opendir(path);
		if (d) {
			struct dirent *de;
			while (!why && (de = readdir(d)) != NULL) {
				char *f;
				if (de->d_name[0] == '.')
					continue;
				f = xasprintf("%s/%s", path, de->d_name);
				if (on_rootfs(f, rootdev))
					why = "holds a file open";
				free(f);
			}
			closedir(d);
		}
		if (!why)
			continue;
		if ((flags & (LR_KILL | LR_DRYRUN)) == (LR_KILL | LR_DRYRUN)) {
			printf("would kill pid %u (%s): it %s on the initramfs\n", p->pid, p->comm, why);
		} else if (flags & LR_KILL) {
			lr_log("killing pid %u (%s): it %s on the initramfs", p->pid, p->comm, why);
			kill(p->pid, SIGKILL);
		} else {
			lr_log("warning: pid %u (%s) %s on the initramfs: its memory stays in use "
					"(-k kills such processes)", p->pid, p->comm, why);
		}
	}
}

/* --- 3. mounts --------------------------------------------------------- */

/* One planned move: mount point on rootfs -> directory inside NEWROOT */
struct move {
	char *mp;           /* on rootfs */
	char *target;       /* as the new root names it (for messages) */
	int tfd;            /* O_PATH of the target inside NEWROOT, -1: detach */
};

struct plan {
	struct move *m;
	unsigned n;
	dev_t rootdev;
	unsigned root_id;
	const char *bad;    /* set by the overlay check */
	char *bad_dir;
};

static int overlay_dir_check(void *ctx, const char *key, const char *dir)
{
	struct plan *pl = ctx;
	struct stat st;

	if (dir[0] != '/') {
		pl->bad = "is a relative path: it can't be checked (mount overlays with absolute paths)";
	} else if (stat(dir, &st) != 0) {
		pl->bad = "can't be checked (it does not resolve here)";
	} else if (st.st_dev == pl->rootdev) {
		pl->bad = "is a directory of the initramfs (rootfs), which the switch deletes";
	} else
		return 0;
	pl->bad_dir = xasprintf("%s=%s", key, dir);
	return 1;
}

static void free_plan(struct plan *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++) {
		free(pl->m[i].mp);
		free(pl->m[i].target);
		if (pl->m[i].tfd >= 0)
			close(pl->m[i].tfd);
	}
	free(pl->m);
	free(pl->bad_dir);
}

/* Is path dir, or below it? */
static int under(const char *path, const char *dir)
{
	size_t l = strlen(dir);
	return strncmp(path, dir, l) == 0 && (path[l] == '/' || path[l] == '\0');
}

/* Is the mount point of mount `id` (in the mountinfo text) exactly mp? */
static int parent_mp_is(const char *info, unsigned id, const char *mp)
{
	char *copy = xstrdup(info), *line, *next;
	struct lr_mnt m;
	int r = 0;

	for (line = copy; line && *line && !r; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (lr_mountinfo_line(line, &m) == 0 && m.id == id)
			r = strcmp(m.mp, mp) == 0;
	}
	free(copy);
	return r;
}

/* Every check about mounts, nothing changed: no mount other than / may be
 * backed by rootfs (a bind mount of an initramfs directory, an overlay
 * with a layer there: the wipe would delete what the new root lives on);
 * NEWROOT must not lie inside another mount; every mount directly on
 * rootfs needs a directory in the new root to move to (else a refusal, or
 * with LR_DETACH a detach).  Fills pl; /proc is planned last (the moves
 * go through /proc/self/fd). */
/* Pass 1 of plan_mounts: a mount backed by rootfs itself (a bind of the
 * initramfs), or an overlay with a layer there, would be lost in the wipe.
 * Returns how many errors (said). */
static int rootfs_backed(struct lr_mnt *m, unsigned rmaj, unsigned rmin, struct plan *pl)
{
	if (m->major == rmaj && m->minor == rmin) {
		bb_error_msg("the mount on %s (%s, %s%s) is part of the initramfs: "
				"the switch would delete it; mount it from a real "
				"filesystem", m->mp, m->fstype, m->source,
				strcmp(m->root, "/") ? m->root : "");
		return 1;
	}
	if (strcmp(m->fstype, "overlay") == 0) {
		pl->bad = NULL;
		if (lr_overlay_dirs(m->opts, overlay_dir_check, pl) != 0) {
			bb_error_msg("the overlay on %s: %s %s: refusing to switch",
					m->mp, pl->bad_dir, pl->bad);
			free(pl->bad_dir);
			pl->bad_dir = NULL;
			return 1;
		}
	}
	return 0;
}

/* Two planned moves onto one directory (symlinks in the new root), or one
 * into another: the later move would hide the earlier.  Errors (said). */
static int hides_another(const struct plan *pl, const char *mp, const char *b)
{
	unsigned k;
	int errors = 0;
	size_t lb = strlen(b);

	for (k = 0; k + 1 < pl->n; k++) {
		const char *a = pl->m[k].target;
		size_t la = strlen(a);
		if (pl->m[k].tfd < 0)
			continue;
		if (strcmp(a, b) == 0
		 || (la < lb && strncmp(a, b, la) == 0 && b[la] == '/')
		 || (lb < la && strncmp(a, b, lb) == 0 && a[lb] == '/')
		) {
			bb_error_msg("the mounts on %s and %s would land on %s and "
					"%s in the new root: one would hide the other",
					pl->m[k].mp, mp, a, b);
			errors++;
		}
	}
	return errors;
}

/* Plan the move of the mount on mp into the new root.  The target is
 * resolved inside NEWROOT (its symlinks as the new system will see them),
 * later mounted on through /proc/self/fd: nothing can land in rootfs.
 * Returns how many errors (said). */
static int add_move(struct plan *pl, const char *mp, const char *newroot, int nrfd,
		unsigned flags)
{
	struct move *mv;
	char fdpath[32], *real;
	int tfd = lr_open_in_root(nrfd, mp, O_PATH | O_DIRECTORY);

	if ((pl->n & 15) == 0)
		pl->m = xrealloc(pl->m, (pl->n + 16) * sizeof(pl->m[0]));
	mv = &pl->m[pl->n++];
	mv->mp = xstrdup(mp);
	mv->tfd = tfd;
	mv->target = concat_path_file(newroot, mp);
	if (tfd >= 0) {
		sprintf(fdpath, "/proc/self/fd/%d", tfd);
		real = xmalloc_readlink(fdpath);
		if (real) {
			free(mv->target);
			mv->target = real;
		}
		return hides_another(pl, mp, mv->target);
	}
	if (flags & LR_DETACH) {
		lr_log("no directory %s in the new root: %s will be detached (-d)",
				mv->target, mp);
		return 0;
	}
	bb_error_msg("the mount on %s has no directory %s in the new root "
			"(or it is not a directory): it can't be moved, and "
			"detaching it would lose it; create that directory in "
			"the new root (or -d: detach such mounts)", mp, mv->target);
	return 1;
}

/* What the switch will do with every mount, checked before anything moves.
 * Pass 0: the root mount (the last one on "/"); 1: what is backed by
 * rootfs; 2: the moves, 3: /proc's.  0, or -1 (said). */
static int plan_mounts(const char *newroot, int nrfd, unsigned flags, struct plan *pl)
{
	char *info, *line, *next;
	struct lr_mnt m;
	int pass, errors = 0;
	unsigned rmaj = 0, rmin = 0;
	int have_root = 0;

	info = xmalloc_open_read_close("/proc/self/mountinfo", NULL);
	if (!info) {
		bb_simple_perror_msg("/proc/self/mountinfo (is /proc mounted?)");
		return -1;
	}
	for (pass = 0; pass < 4; pass++) {
		char *copy = xstrdup(info);
		for (line = copy; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (lr_mountinfo_line(line, &m) != 0)
				continue;
			if (pass == 0) {
				if (strcmp(m.mp, "/") == 0) {
					pl->root_id = m.id;
					rmaj = m.major;
					rmin = m.minor;
					have_root = 1;
				}
				continue;
			}
			if (m.id == pl->root_id)
				continue;
			if (pass == 1) {
				errors += rootfs_backed(&m, rmaj, rmin, pl);
				continue;
			}
			if (pass == 2 && m.parent != pl->root_id && !under(m.mp, newroot)
			 && parent_mp_is(info, m.parent, m.mp)
			) {
				/* MS_MOVE on that path would move only the top one */
				bb_error_msg("two mounts are stacked on %s: the switch can move only the "
						"top one; unmount it first", m.mp);
				errors++;
				continue;
			}
			if (m.parent != pl->root_id || strcmp(m.mp, newroot) == 0)
				continue;
			if ((pass == 3) != (strcmp(m.mp, "/proc") == 0))
				continue;
			if (is_prefixed_with(newroot, m.mp) && newroot[strlen(m.mp)] == '/') {
				bb_error_msg("the new root %s lies inside the mount %s: it can't be moved "
						"into the new root; mount the new root elsewhere", newroot, m.mp);
				errors++;
				continue;
			}
			errors += add_move(pl, m.mp, newroot, nrfd, flags);
		}
		free(copy);
		if (pass == 0 && !have_root) {
			bb_error_msg("no / in /proc/self/mountinfo");
			errors++;
			break;
		}
	}
	free(info);
	return errors ? -1 : 0;
}

/* Carry out the plan: every mount moves, or none stays moved.  *moved
 * records "MOUNTPOINT\nTARGET" for each, newest first. */
static int move_mounts(struct plan *pl, unsigned flags, llist_t **moved)
{
	unsigned i;

	for (i = 0; i < pl->n; i++) {
		struct move *mv = &pl->m[i];
		char fdpath[32];

		if (flags & LR_DRYRUN) {
			if (mv->tfd >= 0)
				printf("would move %s to %s\n", mv->mp, mv->target);
			else
				printf("would detach %s: no directory %s in the new root\n",
						mv->mp, mv->target);
			continue;
		}
		if (mv->tfd < 0)
			continue; /* detached below, once every move worked */
		sprintf(fdpath, "/proc/self/fd/%d", mv->tfd);
		if (mount(mv->mp, fdpath, NULL, MS_MOVE, NULL) != 0) {
			bb_perror_msg("can't move the mount %s to %s", mv->mp, mv->target);
			return -1;
		}
		lr_debug("moved %s to %s", mv->mp, mv->target);
		llist_add_to(moved, xasprintf("%s\n%s", mv->mp, mv->target));
	}
	/* -d: what has no place in the new root goes, last (a detach can't be
	 * undone) */
	for (i = 0; !(flags & LR_DRYRUN) && i < pl->n; i++) {
		struct move *mv = &pl->m[i];
		if (mv->tfd >= 0)
			continue;
		lr_log("no directory %s in the new root: detaching %s (-d)", mv->target, mv->mp);
		if (umount2(mv->mp, 0) != 0 && umount2(mv->mp, MNT_DETACH) != 0)
			bb_perror_msg("warning: umount %s", mv->mp);
	}
	return 0;
}

/* The switch failed after the mounts moved: put them back where they were,
 * so the rescue shell has its /dev, /proc and /run again. */
static void unmove_mounts(llist_t *moved)
{
	char *e;

	while ((e = llist_pop(&moved)) != NULL) {
		char *target = strchr(e, '\n');
		*target++ = '\0';
		if (mount(target, e, NULL, MS_MOVE, NULL) != 0)
			bb_perror_msg("moving %s back to %s", target, e);
		free(e);
	}
}

/* --- 5. wiping rootfs -------------------------------------------------- */

struct level {
	char **dirs;        /* subdirectories still to visit */
	unsigned n, i;
	char *name;         /* this directory's name in its parent */
	int fd;             /* open directory, or -1 when evicted */
	dev_t dev;
	ino_t ino;
};

struct wipe {
	unsigned long long bytes;
	unsigned long files, dirs, errors;
	dev_t dev;
};

static unsigned long long file_bytes(const struct stat *st)
{
	if (st->st_blocks)
		return (unsigned long long)st->st_blocks * 512;
	return ((unsigned long long)st->st_size + 4095) & ~4095ULL;
}

/* Unlink everything but directories in lv->fd; collect the subdirectories
 * that are on the same filesystem. */
static void wipe_files(struct level *lv, struct wipe *w)
{
	DIR *d;
	struct dirent *de;
	int dfd = openat(lv->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	lv->dirs = NULL;
	lv->n = lv->i = 0;
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		w->errors++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (DOT_OR_DOTDOT(de->d_name))
			continue;
		if (fstatat(lv->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			w->errors++;
			continue;
		}
		if (st.st_dev != w->dev)
			continue; /* a mount point: never cross */
		if (S_ISDIR(st.st_mode)) {
			if ((lv->n & 63) == 0)
				lv->dirs = xrealloc(lv->dirs, (lv->n + 64) * sizeof(lv->dirs[0]));
			lv->dirs[lv->n++] = xstrdup(de->d_name);
			continue;
		}
		if (unlinkat(lv->fd, de->d_name, 0) == 0) {
			w->files++;
			w->bytes += file_bytes(&st);
		} else
			w->errors++;
	}
	closedir(d);
}

/* Open NAME below PARENT as the directory recorded (or to be recorded) in lv. */
static int open_level(int parent, const char *name, struct level *lv, int check)
{
	struct stat st;
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0
	 || (check && (st.st_dev != lv->dev || st.st_ino != lv->ino))
	) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	lv->dev = st.st_dev;
	lv->ino = st.st_ino;
	return fd;
}

/* Iterative, no recursion: an fd per level while fds last; when they run
 * out, middle levels are closed and later re-opened by name from the
 * nearest open ancestor (checked against the recorded dev/inode).  ".."
 * is never used: it would climb into the new root mounted over rootfs.
 * (Long: the descent and the re-opening share one stack of levels.) */
static void wipe_tree(int rootfd, struct wipe *w)
{
	struct level *stack;
	unsigned depth = 0, cap = 64, k;
	struct stat st;

	if (fstat(rootfd, &st) != 0) {
		w->errors++;
		return;
	}
	w->dev = st.st_dev;
	stack = xzalloc(cap * sizeof(stack[0]));
	stack[0].fd = rootfd;
	stack[0].dev = st.st_dev;
	stack[0].ino = st.st_ino;
	wipe_files(&stack[0], w);

	for (;;) {
		struct level *lv = &stack[depth];

		if (lv->i < lv->n) {
			char *name = lv->dirs[lv->i++];
			struct level *c;
			int cfd;

			if (depth + 1 == cap) {
				cap *= 2;
				stack = xrealloc(stack, cap * sizeof(stack[0]));
				lv = &stack[depth];
			}
			c = &stack[depth + 1];
			cfd = open_level(lv->fd, name, c, 0);
			if (cfd < 0 && errno == EMFILE) {
				/* out of fds: keep the root and this level only */
				for (k = 1; k < depth; k++) {
					if (stack[k].fd >= 0)
						close(stack[k].fd);
					stack[k].fd = -1;
				}
				cfd = open_level(lv->fd, name, c, 0);
			}
			if (cfd < 0 || c->dev != w->dev) {
				if (cfd >= 0)
					close(cfd);
				w->errors++;
				free(name);
				continue;
			}
			depth++;
			c->fd = cfd;
			c->name = name;
			wipe_files(c, w);
			continue;
		}
		/* this level is done */
		free(lv->dirs);
		if (depth == 0)
			break;
		close(lv->fd);
		depth--;
		if (stack[depth].fd < 0) {
			/* re-open the evicted levels down from the nearest open one */
			for (k = depth; stack[k].fd < 0; k--)
				continue;
			for (k++; k <= depth; k++) {
				stack[k].fd = open_level(stack[k - 1].fd, stack[k].name, &stack[k], 1);
				if (stack[k].fd < 0)
					break;
			}
			if (k <= depth) {
				/* renamed under us: stop rather than guess */
				bb_error_msg("wipe: lost track of the directory tree; stopping");
				w->errors++;
				break;
			}
		}
		if (unlinkat(stack[depth].fd, lv->name, AT_REMOVEDIR) == 0)
			w->dirs++;
		else
			w->errors++;
		free(lv->name);
	}
	free(stack);
}

/* --- the whole switch -------------------------------------------------- */

/* CONSOLE is DEV[,SPEED[n8]] (the kernel's console= syntax): open DEV, set
 * the line speed on a terminal.  Returns the fd (O_CLOEXEC) or -1. */
static int open_console(const char *console)
{
	static const struct { unsigned baud; speed_t sp; } sp[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
		{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
		{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
		{ 921600, B921600 },
	};
	struct termios t;
	size_t dl;
	unsigned baud, i;
	char *dev;
	int fd;

	if (lr_console_spec(console, &dl, &baud) != 0) {
		bb_error_msg("console %s: use DEV or DEV,SPEED[n8]", console);
		return -1;
	}
	dev = xstrndup(console, dl);
	fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		bb_perror_msg("console %s", dev);
		free(dev);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	for (i = 0; baud && i < ARRAY_SIZE(sp); i++) {
		if (sp[i].baud != baud)
			continue;
		if (tcgetattr(fd, &t) != 0 || cfsetispeed(&t, sp[i].sp) != 0
		 || cfsetospeed(&t, sp[i].sp) != 0 || tcsetattr(fd, TCSANOW, &t) != 0)
			bb_perror_msg("warning: console %s: can't set %u baud", dev, baud);
		break;
	}
	free(dev);
	return fd;
}

/* fd: the console, opened before the switch (the path is the old root's) */
static void to_console(int fd)
{
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	else
		fcntl(fd, F_SETFD, 0); /* dup2 onto itself kept O_CLOEXEC */
}

/* 1a. what is switched: / must be an initramfs (ramfs or tmpfs), the new
 * root a mount point.  Sets *newroot (malloced, absolute, no symlinks),
 * *fstype and *rootdev (rootfs's device).  0, or -1 (said). */
static int check_roots(const char *newroot_arg, unsigned flags, char **newroot,
		const char **fstype, dev_t *rootdev)
{
	struct statfs sfs;
	struct stat st, pst;
	char *parent;
	int rc;

	if (!(flags & LR_NOPID1) && getpid() != 1) {
		if (!(flags & LR_DRYRUN)) {
			bb_error_msg("not PID 1: switching root would wipe the running system's / "
					"(use -n for a dry run)");
			return -1;
		}
		printf("not PID 1: a real switch would refuse (dry run: checking the rest)\n");
	}
	if (statfs("/", &sfs) != 0) {
		bb_simple_perror_msg("statfs /");
		return -1;
	}
	if ((unsigned)sfs.f_type == RAMFS_MAGIC)
		*fstype = "ramfs";
	else if ((unsigned)sfs.f_type == TMPFS_MAGIC)
		*fstype = "tmpfs";
	else {
		bb_error_msg("/ is not an initramfs (ramfs/tmpfs, found fs magic %#lx): "
				"refusing to wipe it", (unsigned long)sfs.f_type);
		return -1;
	}
	/* absolute and without symlinks: mountinfo speaks that way */
	*newroot = xmalloc_realpath(newroot_arg);
	if (!*newroot || stat(*newroot, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bb_perror_msg("new root %s", newroot_arg);
		free(*newroot);
		return -1;
	}
	lr_log("switching root: / is %s (the initramfs), the new root is %s", *fstype, *newroot);
	parent = concat_path_file(*newroot, "..");
	rc = stat(parent, &pst);
	free(parent);
	if (rc == 0 && st.st_dev != pst.st_dev)
		rc = stat("/", &pst); /* pst: rootfs from here on */
	if (rc != 0 || st.st_dev == pst.st_dev) {
		bb_error_msg("new root %s is not a mount point (mount the new root filesystem there)",
				*newroot);
		free(*newroot);
		return -1;
	}
	*rootdev = pst.st_dev;
	return 0;
}

/* 1b. init, the console, the mounts' plan.  Sets *cfd.  0, or -1 (said) */
static int check_new_root(const char *newroot, const char *init, const char *console,
		unsigned flags, struct plan *pl, int *cfd)
{
	int nrfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (nrfd < 0) {
		bb_perror_msg("new root %s", newroot);
		return -1;
	}
	rc = check_exec(nrfd, newroot, init, "init", 0, 0);
	if (rc == 0) {
		*cfd = open_console(console);
		if (*cfd < 0)
			rc = -1;
	}
	if (rc == 0)
		rc = plan_mounts(newroot, nrfd, flags, pl);
	close(nrfd);
	if (rc != 0)
		bb_error_msg("nothing was moved or deleted");
	return rc;
}

/* 4. the new root becomes /: pivot_root where / is an ordinary mount; the
 * kernel's initial rootfs can't be pivoted (EINVAL): the new root is moved
 * over it then.  *rootfd: the old root.  0, or -1 (said; nothing changed) */
static int pivot(const char *newroot, int *rootfd)
{
	*rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0) {
		bb_simple_perror_msg("open /");
		return -1;
	}
	if (chdir(newroot) != 0) {
		bb_perror_msg("chdir %s", newroot);
		close(*rootfd);
		return -1;
	}
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) != 0)
			bb_simple_perror_msg("warning: detaching the old root");
		lr_debug("switched with pivot_root");
	} else {
		lr_debug("pivot_root: %s; moving %s onto / instead", strerror(errno), newroot);
		if (mount(".", "/", NULL, MS_MOVE, NULL) != 0) {
			bb_perror_msg("moving %s onto /", newroot);
			close(*rootfd);
			if (chdir("/") != 0)
				bb_simple_perror_msg("chdir /");
			return -1;
		}
		if (chroot(".") != 0)
			/* the new root is mounted on / already: carry on with it */
			bb_simple_perror_msg("chroot into the new root");
	}
	if (chdir("/") != 0)
		bb_simple_perror_msg("chdir /");
	return 0;
}

/* 5. the old root's files go (rootfd: the old root; closed) */
static void wipe_old_root(int rootfd)
{
	struct statfs sfs;
	struct wipe w;

	memset(&w, 0, sizeof(w));
	wipe_tree(rootfd, &w);
	if (fstatfs(rootfd, &sfs) == 0 && (unsigned)sfs.f_type == TMPFS_MAGIC)
		lr_log("freed %llu KiB of initramfs (rootfs now holds %llu KiB, "
				"with this program's own file until it execs init)",
				w.bytes / 1024,
				(unsigned long long)(sfs.f_blocks - sfs.f_bfree) * sfs.f_bsize / 1024);
	else
		lr_log("freed %llu KiB of initramfs (rootfs now holds %s)", w.bytes / 1024,
				w.errors ? "some files: see errors" : "0 KiB");
	lr_log("wiped %lu files and %lu directories, %lu errors", w.files, w.dirs, w.errors);
	close(rootfd);
}

/* 6. init, or the new root's shell; PID 1 never returns */
static void NORETURN exec_init(int cfd, const char *init, char **init_argv)
{
	static const char *const sh[] = { "/bin/sh", NULL };

	to_console(cfd);
	execv(init, init_argv);
	bb_perror_msg("exec %s", init);
	bb_error_msg("starting the new root's /bin/sh instead");
	execv(sh[0], (char **)sh);
	bb_perror_msg("exec /bin/sh");
	for (;;)
		pause();
}

/* (Long only by the break=preswitch and dry-run branches, which must sit
 * between the checks and the first change.)
 * Switch to newroot_arg and exec init there: every check first (1),
 * the processes said (2), then the mounts moved in (3, all or none),
 * the pivot (4), the wipe (5), the exec (6).  committed(arg) runs once
 * every check passed.  Returns -1 (said; nothing deleted) or never. */
int lr_switch_root(const char *newroot_arg, const char *init, char **init_argv,
		const char *console, unsigned flags, void (*committed)(void *), void *arg)
{
	struct plan pl;
	char *newroot;
	llist_t *moved = NULL;
	int rootfd, nrfd, cfd = -1, rc;
	const char *fstype;

	memset(&pl, 0, sizeof(pl));
	/* 1. checks: nothing is changed before all of them passed */
	if (check_roots(newroot_arg, flags, &newroot, &fstype, &pl.rootdev) != 0)
		return -1;
	if (check_new_root(newroot, init, console, flags, &pl, &cfd) != 0)
		goto fail;

	/* 2. processes */
	check_processes(pl.rootdev, flags);

	if ((flags & (LR_BREAK | LR_DRYRUN)) == LR_BREAK) {
		/* break=preswitch: every check passed, nothing moved yet; what
		 * the shell changes is checked again */
		free_plan(&pl);
		close(cfd);
		free(newroot);
		lr_shell("break=preswitch: every check of the switch passed, nothing is moved "
				"yet; 'exit' switches (after checking again)");
		return lr_switch_root(newroot_arg, init, init_argv, console, flags & ~LR_BREAK,
				committed, arg);
	}

	if (flags & LR_DRYRUN) {
		move_mounts(&pl, flags, &moved);
		printf("would switch to %s (/ is %s) and exec:", newroot, fstype);
		for (rc = 0; init_argv[rc]; rc++)
			printf(" '%s'", rc ? init_argv[rc] : init);
		printf("\n");
		free_plan(&pl);
		close(cfd);
		free(newroot);
		return 0;
	}

	/* every check passed: what the caller does then (nbd=: no more boot
	 * timeout; toram=background: the copier starts) */
	if (committed)
		committed(arg);

	/* 3. mounts: all of them, or none */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		bb_simple_perror_msg("warning: making / private");
	if (move_mounts(&pl, flags, &moved) != 0) {
		bb_error_msg("a mount could not be moved: putting the others back, deleting nothing");
		goto undo;
	}
	/* init (or its interpreter) may lie on a mount that just moved in:
	 * what exec will run must pass the checks too */
	nrfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = nrfd >= 0 ? check_exec(nrfd, newroot, init, "init", 0, 0) : -1;
	if (nrfd >= 0)
		close(nrfd);
	if (rc != 0) {
		bb_error_msg("init fails its checks once the mounts moved in: putting them back, "
				"deleting nothing");
		goto undo;
	}

	/* 4. switch */
	if (pivot(newroot, &rootfd) != 0)
		goto undo;
	G.switched = 1;
	free_plan(&pl);

	/* 5. wipe, 6. exec */
	wipe_old_root(rootfd);
	lr_memlog("switched");
	exec_init(cfd, init, init_argv);
 undo:
	unmove_mounts(moved);
 fail:
	free_plan(&pl);
	if (cfd >= 0)
		close(cfd);
	free(newroot);
	return -1;
}

/* liveroot switch [-n] [-k] [-d] [-c CONSOLE] NEWROOT INIT [ARGS...] */
int lr_switch_main(char **argv)
{
	const char *console = "/dev/console";
	unsigned opt, flags = 0;

	if (getpid() == 1)
		die_func = lr_on_die; /* never exit PID 1, not even on a usage error */
	/* '+': stop at NEWROOT, INIT's own options are INIT's */
	opt = getopt32(argv, "+nkdc:", &console);
	argv += optind;
	if (!argv[0] || !argv[1]) {
		if (getpid() == 1)
			lr_rescue("liveroot switch: need NEWROOT and INIT "
					"(liveroot switch [-n] [-k] [-d] [-c CONSOLE] NEWROOT INIT [ARGS])");
		bb_show_usage();
	}
	if (access(LR_DIR, F_OK) == 0)
		lr_open_log(); /* after a liveroot stack: keep the one log */
	if (opt & 1)
		flags |= LR_DRYRUN;
	if (opt & 2)
		flags |= LR_KILL;
	if (opt & 4)
		flags |= LR_DETACH;
	if (lr_switch_root(argv[0], argv[1], argv + 1, console, flags, NULL, NULL) != 0) {
		if (getpid() == 1)
			lr_rescue("switch failed; the initramfs is intact");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
