/* vi: set sw=4 ts=4: */
/*
 * liveroot: a switch_root that checks before it deletes.
 *
 * 1. checks, nothing changed yet: PID 1, rootfs is ramfs/tmpfs, NEWROOT is
 *    a mount point, INIT resolved inside NEWROOT is an executable regular
 *    file whose ELF interpreter or #! interpreter exists inside NEWROOT,
 *    the console opens;
 * 2. processes that keep files of rootfs busy are reported (-k: killed);
 * 3. every mount on rootfs outside NEWROOT moves to the same path inside
 *    NEWROOT (or is detached and reported when that path does not exist);
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
#if defined(__NR_openat2)
# include <linux/openat2.h>
#endif

#ifndef RAMFS_MAGIC
# define RAMFS_MAGIC 0x858458f6
#endif
#ifndef TMPFS_MAGIC
# define TMPFS_MAGIC 0x01021994
#endif
#ifndef O_PATH
# define O_PATH 010000000
#endif

#define MAX_LINKS 40

/* --- 1. resolving paths inside NEWROOT ---------------------------------- */

static char *readlinkat_alloc(int dfd, const char *name)
{
	char *buf = NULL;
	int sz = 128;
	ssize_t n;

	for (;;) {
		buf = xrealloc(buf, sz);
		n = readlinkat(dfd, name, buf, sz);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n < sz - 1)
			break;
		sz *= 2;
		if (sz > PATH_MAX * 2) {
			free(buf);
			errno = ENAMETOOLONG;
			return NULL;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* Walk PATH component by component below rootfd, treating rootfd as "/":
 * ".." never climbs above it, absolute symlinks restart from it. */
static int walk_in_root(int rootfd, const char *path, int flags)
{
	char *buf = xstrdup(path), *rest = buf, *comp;
	int cur = dup(rootfd), links = 0, opened = 0;
	struct stat rst, st;

	if (cur < 0 || fstat(rootfd, &rst) != 0)
		goto fail;
	while (rest) {
		int fd;
		char *tgt;

		comp = strsep(&rest, "/");
		if (!comp[0] || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (fstat(cur, &st) == 0 && st.st_dev == rst.st_dev && st.st_ino == rst.st_ino)
				continue; /* at the root: stay */
		}
		tgt = readlinkat_alloc(cur, comp);
		if (tgt) {
			char *n;
			if (++links > MAX_LINKS) {
				free(tgt);
				errno = ELOOP;
				goto fail;
			}
			n = xasprintf("%s%s%s", tgt, rest ? "/" : "", rest ? rest : "");
			if (tgt[0] == '/') {
				close(cur);
				cur = dup(rootfd);
				if (cur < 0) {
					free(tgt);
					free(n);
					goto fail;
				}
			}
			free(tgt);
			free(buf);
			buf = rest = n;
			continue;
		}
		fd = openat(cur, comp, (rest ? O_PATH | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			goto fail;
		close(cur);
		cur = fd;
		opened = !rest; /* the last component, opened with the wanted flags */
	}
	free(buf);
	if (opened)
		return cur;
	/* the path ended in "/", "." or "..": reopen that directory as asked */
	{
		int fd = openat(cur, ".", flags | O_CLOEXEC);
		close(cur);
		return fd;
	}
 fail:
	{
		int e = errno;
		if (cur >= 0)
			close(cur);
		free(buf);
		errno = e;
	}
	return -1;
}

static int open_in_root(int rootfd, const char *path, int flags)
{
#if defined(__NR_openat2) && defined(RESOLVE_IN_ROOT)
	struct open_how how;
	int fd;

	/* LIVEROOT_RESOLVE_WALK=1 takes the older kernels' path (the testsuite
	 * uses it: the host kernel has openat2) */
	if (getenv("LIVEROOT_RESOLVE_WALK"))
		return walk_in_root(rootfd, path, flags);
	memset(&how, 0, sizeof(how));
	how.flags = flags | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(__NR_openat2, rootfd, path, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EINVAL && errno != E2BIG))
		return fd;
#endif
	return walk_in_root(rootfd, path, flags);
}

/* Byte order and machine of this very program: what the kernel runs. */
static int self_elf(unsigned char *data, unsigned *machine)
{
	unsigned char h[20];

	if (open_read_close("/proc/self/exe", h, sizeof(h)) != (ssize_t)sizeof(h)
	 || memcmp(h, ELFMAG, SELFMAG) != 0
	)
		return -1;
	*data = h[EI_DATA];
	*machine = h[EI_DATA] == ELFDATA2LSB ? (h[18] | (h[19] << 8)) : ((h[18] << 8) | h[19]);
	return 0;
}

/* Is PATH (inside rootfd) something the kernel can exec as PID 1?
 * Prints why not.  what: "init", "interpreter of ...". */
static int check_exec(int rootfd, const char *newroot, const char *path,
		const char *what, int depth)
{
	unsigned char hdr[256];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	fd = open_in_root(rootfd, path, O_RDONLY);
	if (fd < 0) {
		bb_perror_msg("%s %s (inside %s)", what, path, newroot);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bb_error_msg("%s %s (inside %s) is not a regular file", what, path, newroot);
		goto out;
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
		/* sane for this machine, and its PT_INTERP (if any) inside NEWROOT */
		int is64 = hdr[EI_CLASS] == ELFCLASS64;
		unsigned long long phoff;
		unsigned phnum, phentsize, machine, etype, i, self_machine;
		unsigned char self_data;
		Elf64_Ehdr e64;
		Elf32_Ehdr e32;

		if ((size_t)n < (is64 ? sizeof(e64) : sizeof(e32))
		 || (hdr[EI_CLASS] != ELFCLASS64 && hdr[EI_CLASS] != ELFCLASS32)
		) {
			bb_error_msg("%s %s (inside %s): truncated or malformed ELF header", what, path, newroot);
			goto out;
		}
		if (is64) {
			memcpy(&e64, hdr, sizeof(e64));
			phoff = e64.e_phoff; phnum = e64.e_phnum; phentsize = e64.e_phentsize;
			machine = e64.e_machine; etype = e64.e_type;
		} else {
			memcpy(&e32, hdr, sizeof(e32));
			phoff = e32.e_phoff; phnum = e32.e_phnum; phentsize = e32.e_phentsize;
			machine = e32.e_machine; etype = e32.e_type;
		}
		if (self_elf(&self_data, &self_machine) != 0) {
			/* can't tell: let the kernel decide */
			self_data = hdr[EI_DATA];
			self_machine = machine;
		}
		if (hdr[EI_DATA] != self_data
		 || (etype != ET_EXEC && etype != ET_DYN)
		 || (machine != self_machine && !(self_machine == EM_X86_64 && machine == EM_386))
		) {
			bb_error_msg("%s %s (inside %s) is an ELF file for another machine "
					"(e_machine %u, type %u): the kernel could not run it",
					what, path, newroot, machine, etype);
			goto out;
		}
		if (phnum > 256 || phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr))) {
			bb_error_msg("%s %s (inside %s): malformed ELF header", what, path, newroot);
			goto out;
		}
		for (i = 0; i < phnum; i++) {
			unsigned char ph[sizeof(Elf64_Phdr)];
			unsigned long long off, sz;
			unsigned type;
			char *interp;

			if (pread(fd, ph, phentsize, phoff + (unsigned long long)i * phentsize) != (ssize_t)phentsize) {
				bb_error_msg("%s %s (inside %s): truncated ELF file", what, path, newroot);
				goto out;
			}
			if (is64) {
				Elf64_Phdr p;
				memcpy(&p, ph, sizeof(p));
				type = p.p_type; off = p.p_offset; sz = p.p_filesz;
			} else {
				Elf32_Phdr p;
				memcpy(&p, ph, sizeof(p));
				type = p.p_type; off = p.p_offset; sz = p.p_filesz;
			}
			if (type != PT_INTERP)
				continue;
			if (sz < 2 || sz > PATH_MAX) {
				bb_error_msg("%s %s (inside %s): bad PT_INTERP", what, path, newroot);
				goto out;
			}
			interp = xzalloc(sz + 1);
			if (pread(fd, interp, sz, off) != (ssize_t)sz) {
				free(interp);
				bb_error_msg("%s %s (inside %s): truncated ELF file", what, path, newroot);
				goto out;
			}
			{
				char *w = xasprintf("ELF interpreter of %s", path);
				int ifd = open_in_root(rootfd, interp, O_RDONLY);
				struct stat ist;
				if (ifd < 0)
					bb_perror_msg("%s: %s (inside %s)", w, interp, newroot);
				else if (fstat(ifd, &ist) != 0 || !S_ISREG(ist.st_mode))
					bb_error_msg("%s: %s (inside %s) is not a regular file", w, interp, newroot);
				else
					rc = 0;
				if (ifd >= 0)
					close(ifd);
				free(w);
			}
			free(interp);
			goto out;
		}
		rc = 0; /* static binary */
	} else if (hdr[0] == '#' && hdr[1] == '!') {
		char *p = skip_whitespace((char *)hdr + 2), *e, *w;

		e = strpbrk(p, " \t\n");
		if (!e)
			e = p + strlen(p);  /* "#!/bin/sh" and nothing after it */
		if (*p == '\0') {
			bb_error_msg("%s %s (inside %s): '#!' line without interpreter", what, path, newroot);
			goto out;
		}
		*e = '\0';
		if (depth >= 4) {
			bb_error_msg("%s %s: too many nested interpreters", what, path);
			goto out;
		}
		w = xasprintf("'#!' interpreter of %s", path);
		rc = check_exec(rootfd, newroot, p, w, depth + 1);
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
		if (flags & LR_KILL) {
			lr_log("killing pid %u (%s): it %s on the initramfs", p->pid, p->comm, why);
			kill(p->pid, SIGKILL);
		} else {
			lr_log("warning: pid %u (%s) %s on the initramfs: its memory stays in use "
					"(-k kills such processes)", p->pid, p->comm, why);
		}
	}
}

/* --- 3. mounts --------------------------------------------------------- */

/* mountinfo escapes ' ', '\t', '\n', '\\' as \ooo */
static void unescape(char *s)
{
	char *d = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3'
		 && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7'
		) {
			*d++ = ((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0');
			s += 4;
		} else
			*d++ = *s++;
	}
	*d = '\0';
}

/* Move every mount sitting directly on rootfs (other than NEWROOT) to the
 * same path inside NEWROOT; their submounts move along.  *moved records
 * "MOUNTPOINT\nTARGET" for each, newest first, so they can be moved back. */
static int move_mounts(const char *newroot, unsigned flags, llist_t **moved)
{
	char *info, *line, *next;
	unsigned root_id = 0;
	int pass, errors = 0;
	int nrfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (!(flags & LR_DRYRUN) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		bb_simple_perror_msg("warning: making / private");
	info = xmalloc_open_read_close("/proc/self/mountinfo", NULL);
	if (!info) {
		if (nrfd >= 0)
			close(nrfd);
		bb_simple_perror_msg("/proc/self/mountinfo (is /proc mounted?)");
		return -1;
	}
	/* pass 0 finds the root mount (the last one on "/"), pass 1 moves the
	 * others, pass 2 /proc (the moves go through /proc/self/fd) */
	for (pass = 0; pass < 3; pass++) {
		char *copy = xstrdup(info);
		for (line = copy; line && *line; line = next) {
			unsigned id, parent;
			char mp[4097];
			int n = 0;

			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (sscanf(line, "%u %u %*s %*s %4096s%n",
					&id, &parent, mp, &n) < 3)
				continue;
			unescape(mp);
			if (pass == 0) {
				if (strcmp(mp, "/") == 0)
					root_id = id;
				continue;
			}
			if (parent != root_id || strcmp(mp, "/") == 0 || strcmp(mp, newroot) == 0)
				continue;
			if ((pass == 2) != (strcmp(mp, "/proc") == 0))
				continue;
			if (is_prefixed_with(newroot, mp) && newroot[strlen(mp)] == '/') {
				bb_error_msg("%s lies inside the mount %s: mount it elsewhere", newroot, mp);
				errors++;
				continue;
			}
			{
				/* the target is resolved inside NEWROOT (its symlinks
				 * as the new system will see them), then mounted on
				 * through /proc/self/fd: nothing can land in rootfs */
				char *target = concat_path_file(newroot, mp);
				char fdpath[32];
				int tfd = nrfd >= 0 ? open_in_root(nrfd, mp, O_PATH | O_DIRECTORY) : -1;
				if (tfd >= 0) {
					char *real;
					sprintf(fdpath, "/proc/self/fd/%d", tfd);
					real = xmalloc_readlink(fdpath);
					if (real) {
						free(target);
						target = real;
					}
					if (flags & LR_DRYRUN)
						printf("would move %s to %s\n", mp, target);
					else if (mount(mp, fdpath, NULL, MS_MOVE, NULL) != 0) {
						bb_perror_msg("move %s to %s", mp, target);
						errors++;
					} else {
						lr_debug("moved %s to %s", mp, target);
						llist_add_to(moved, xasprintf("%s\n%s", mp, target));
					}
					close(tfd);
				} else if (flags & LR_DRYRUN) {
					printf("would detach %s: no directory %s in the new root\n", mp, target);
				} else {
					lr_log("no directory %s in the new root: detaching %s", target, mp);
					if (umount2(mp, 0) != 0 && umount2(mp, MNT_DETACH) != 0) {
						bb_perror_msg("umount %s", mp);
						errors++;
					}
				}
				free(target);
			}
		}
		free(copy);
	}
	free(info);
	if (nrfd >= 0)
		close(nrfd);
	return errors ? -1 : 0;
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
 * is never used: it would climb into the new root mounted over rootfs. */
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

int lr_switch_root(const char *newroot_arg, const char *init, char **init_argv,
		const char *console, unsigned flags)
{
	struct statfs sfs;
	struct stat st, pst;
	struct wipe w;
	char *parent, *newroot;
	llist_t *moved = NULL;
	int rootfd, nrfd, cfd, rc;
	const char *fstype;

	/* 1. checks */
	if (!(flags & (LR_NOPID1 | LR_DRYRUN)) && getpid() != 1) {
		bb_error_msg("not PID 1: switching root would wipe the running system's / "
				"(use -n for a dry run)");
		return -1;
	}
	if (statfs("/", &sfs) != 0) {
		bb_simple_perror_msg("statfs /");
		return -1;
	}
	if ((unsigned)sfs.f_type == RAMFS_MAGIC)
		fstype = "ramfs";
	else if ((unsigned)sfs.f_type == TMPFS_MAGIC)
		fstype = "tmpfs";
	else {
		bb_error_msg("/ is not an initramfs (ramfs/tmpfs, found fs magic %#lx): "
				"refusing to wipe it", (unsigned long)sfs.f_type);
		return -1;
	}
	/* absolute and without symlinks: mountinfo speaks that way */
	newroot = xmalloc_realpath(newroot_arg);
	if (!newroot || stat(newroot, &st) != 0 || !S_ISDIR(st.st_mode)) {
		bb_perror_msg("new root %s", newroot_arg);
		return -1;
	}
	lr_log("switching root: / is %s (the initramfs), the new root is %s", fstype, newroot);
	parent = concat_path_file(newroot, "..");
	rc = stat(parent, &pst);
	free(parent);
	if (rc == 0 && st.st_dev != pst.st_dev)
		rc = stat("/", &pst); /* pst: rootfs from here on */
	if (rc != 0 || st.st_dev == pst.st_dev) {
		bb_error_msg("new root %s is not a mount point (mount the new root filesystem there)",
				newroot);
		return -1;
	}
	nrfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (nrfd < 0) {
		bb_perror_msg("new root %s", newroot);
		return -1;
	}
	rc = check_exec(nrfd, newroot, init, "init", 0);
	close(nrfd);
	if (rc != 0)
		return -1;
	cfd = open(console, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (cfd < 0) {
		bb_perror_msg("console %s", console);
		return -1;
	}

	/* 2. processes */
	check_processes(pst.st_dev, flags);

	/* 3. mounts */
	if (move_mounts(newroot, flags, &moved) != 0 && !(flags & LR_DRYRUN))
		lr_log("warning: not every mount could be moved (see above)");
	if (flags & LR_DRYRUN) {
		close(cfd);
		printf("would switch to %s (/ is %s) and exec %s\n", newroot, fstype, init);
		return 0;
	}

	/* 4. switch */
	rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		bb_simple_perror_msg("open /");
		goto undo;
	}
	if (chdir(newroot) != 0) {
		bb_perror_msg("chdir %s", newroot);
		close(rootfd);
		goto undo;
	}
	/* pivot_root works where / is an ordinary mount; the kernel's initial
	 * rootfs can't be pivoted (EINVAL): move the new root over it then */
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) != 0)
			bb_simple_perror_msg("warning: detaching the old root");
		lr_debug("switched with pivot_root");
	} else {
		lr_debug("pivot_root: %s; moving %s onto / instead", strerror(errno), newroot);
		if (mount(".", "/", NULL, MS_MOVE, NULL) != 0) {
			bb_perror_msg("moving %s onto /", newroot);
			close(rootfd);
			if (chdir("/") != 0)
				bb_simple_perror_msg("chdir /");
			goto undo;
		}
		if (chroot(".") != 0)
			/* the new root is mounted on / already: carry on with it */
			bb_simple_perror_msg("chroot into the new root");
	}
	if (chdir("/") != 0)
		bb_simple_perror_msg("chdir /");
	G.switched = 1;

	/* 5. wipe */
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
	lr_memlog("switched");

	/* 6. exec */
	to_console(cfd);
	execv(init, init_argv);
	bb_perror_msg("exec %s", init);
	{
		static const char *const sh[] = { "/bin/sh", NULL };
		bb_error_msg("starting the new root's /bin/sh instead");
		execv(sh[0], (char **)sh);
		bb_perror_msg("exec /bin/sh");
	}
	for (;;)
		pause(); /* PID 1 must never return */
 undo:
	unmove_mounts(moved);
	close(cfd);
	free(newroot);
	return -1;
}

/* liveroot switch [-n] [-k] [-c CONSOLE] NEWROOT INIT [ARGS...] */
int lr_switch_main(char **argv)
{
	const char *console = "/dev/console";
	unsigned opt, flags = 0;

	/* '+': stop at NEWROOT, INIT's own options are INIT's */
	opt = getopt32(argv, "^+nkc:" "\0" "-2", &console);
	argv += optind;
	if (access(LR_DIR, F_OK) == 0)
		lr_open_log(); /* after a liveroot stack: keep the one log */
	if (getpid() == 1)
		die_func = lr_on_die; /* never exit PID 1 */
	if (opt & 1)
		flags |= LR_DRYRUN;
	if (opt & 2)
		flags |= LR_KILL;
	if (lr_switch_root(argv[0], argv[1], argv + 1, console, flags) != 0) {
		if (getpid() == 1)
			lr_rescue("switch failed; the initramfs is intact");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
