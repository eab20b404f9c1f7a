/*
 * libc/files.c — file descriptors for newlib: the console (0, 1, 2), the multiboot modules
 * (read-only input files, by name: "data.txt" or "/data.txt" for a module loaded from
 * .../data.txt) and the in-memory files the program creates (libc/memfs.c: a node has no
 * disk; scripts/porto-run collects them when the job ends). One flat tree rooted at "/",
 * which is also the working directory.
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "libc/errno_set.h"
#include "libc/libc.h"
#include "libc/memfs.h"
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALIAS(name)   __attribute__((alias(#name)))
#define MAX_FILES     32
#define FIRST_FILE_FD 3
_Static_assert(sizeof(off_t) == 8, "off_t is 64 bits on x86_64 newlib");

static struct open_file {
    const struct module *mod; /* an input file, or */
    struct memfs_node *node;  /* an in-memory file */
    size_t pos;
    int flags;
} files[MAX_FILES];

static struct open_file *file_of(int fd)
{
    if (fd < FIRST_FILE_FD || fd >= FIRST_FILE_FD + MAX_FILES) return NULL;
    struct open_file *f = &files[fd - FIRST_FILE_FD];
    return f->mod || f->node ? f : NULL;
}

static int fail(int err)
{
    return libc_fail(err);
}

/* The name as memfs keeps it; "" for the root ("/", "."). 0 or an errno value. */
static int clean_path(const char *name, char *out)
{
    if (!name) return EFAULT;
    int r = memfs_normalize(name, out, MEMFS_PATH_MAX);
    if (r == -EINVAL && name[0] && strspn(name, "/.") == strlen(name) && !strstr(name, "..")) {
        out[0] = '\0';
        return 0;
    }
    return -r;
}

static const struct module *module_named(const char *path)
{
    return path[0] ? module_find(path) : NULL;
}

int _open(const char *name, int flags, ...)
{
    char path[MEMFS_PATH_MAX];
    int err = clean_path(name, path);
    if (err) return fail(err);
    int acc = flags & O_ACCMODE;
    bool writing = acc != O_RDONLY || (flags & O_TRUNC);
    struct open_file f = {.flags = flags};
    if (!path[0]) return fail(EISDIR);
    if ((f.mod = module_named(path))) {
        if (writing) return fail(EROFS); /* input files are the loader's modules */
        if ((flags & O_CREAT) && (flags & O_EXCL)) return fail(EEXIST);
    } else if ((f.node = memfs_find(path))) {
        if (f.node->dir) return fail(EISDIR);
        if ((flags & O_CREAT) && (flags & O_EXCL)) return fail(EEXIST);
        if (flags & O_TRUNC) memfs_truncate(f.node, 0);
    } else if (flags & O_CREAT) {
        int r = memfs_create(path, false, &f.node);
        if (r < 0) return fail(-r);
    } else {
        return fail(ENOENT);
    }
    for (int i = 0; i < MAX_FILES; i++) {
        if (files[i].mod || files[i].node) continue;
        files[i] = f;
        if (f.node) memfs_open(f.node);
        return FIRST_FILE_FD + i;
    }
    if (f.node && f.node->size == 0 && f.node->opens == 0 && (flags & O_CREAT))
        memfs_remove(path, false); /* do not leave a file behind for a failed open */
    return fail(EMFILE);
}
int open(const char *, int, ...) ALIAS(_open);

int _write(int fd, const void *buf, size_t n)
{
    if (fd == 1 || fd == 2) {
        console_write(buf, n);
        return (int)n;
    }
    struct open_file *f = file_of(fd);
    if (!f || !f->node || (f->flags & O_ACCMODE) == O_RDONLY) return fail(EBADF);
    if (f->flags & O_APPEND) f->pos = f->node->size;
    long r = memfs_write(f->node, buf, n, f->pos);
    if (r < 0) return fail((int)-r);
    f->pos += (size_t)r;
    return (int)r;
}
int write(int, const void *, size_t) ALIAS(_write);

/* newlib's _read returns int: a read is capped at INT_MAX bytes, so the count it returns is
 * the count it copied. */
int _read(int fd, void *buf, size_t n)
{
    if (fd == 0) return 0; /* no keyboard: stdin is empty */
    struct open_file *f = file_of(fd);
    if (!f || (f->flags & O_ACCMODE) == O_WRONLY) return fail(EBADF);
    if (n > INT_MAX) n = INT_MAX;
    if (f->node) {
        n = memfs_read(f->node, buf, n, f->pos);
    } else {
        size_t left = f->pos < f->mod->size ? f->mod->size - f->pos : 0; /* lseek may go past */
        if (n > left) n = left;
        memcpy(buf, f->mod->data + f->pos, n);
    }
    f->pos += n;
    return (int)n;
}
int read(int, void *, size_t) ALIAS(_read);

int _close(int fd)
{
    struct open_file *f = file_of(fd);
    if (f) {
        if (f->node) memfs_close(f->node);
        *f = (struct open_file){0};
        return 0;
    }
    if (fd >= 0 && fd <= 2) return 0;
    return fail(EBADF);
}
int close(int) ALIAS(_close);

off_t _lseek(int fd, off_t off, int whence)
{
    struct open_file *f = file_of(fd);
    if (!f) return fail(fd >= 0 && fd <= 2 ? ESPIPE : EBADF);
    size_t size = f->node ? f->node->size : f->mod->size;
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)f->pos : (off_t)size;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return fail(EINVAL);
    /* base is at most a file's size or a past position, so only a huge off can overflow. */
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return fail(off > 0 ? EOVERFLOW : EINVAL);
    /* Past the end is allowed (POSIX): reads there return 0; a write there leaves zeros. */
    f->pos = (size_t)(base + off);
    return (off_t)f->pos;
}
off_t lseek(int, off_t, int) ALIAS(_lseek);

static void stat_of(const struct module *mod, const struct memfs_node *node, struct stat *st)
{
    memset(st, 0, sizeof *st);
    if (mod) {
        st->st_mode = S_IFREG | 0444;
        st->st_size = (off_t)mod->size;
    } else if (!node || node->dir) {
        st->st_mode = S_IFDIR | 0755;
    } else {
        st->st_mode = S_IFREG | 0644;
        st->st_size = (off_t)node->size;
    }
    st->st_nlink = 1;
}

int _fstat(int fd, struct stat *st)
{
    struct open_file *f = file_of(fd);
    if (f) {
        stat_of(f->mod, f->node, st);
        return 0;
    }
    if (fd >= 0 && fd <= 2) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFCHR | 0620;
        return 0;
    }
    return fail(EBADF);
}
int fstat(int, struct stat *) ALIAS(_fstat);

int _stat(const char *name, struct stat *st)
{
    char path[MEMFS_PATH_MAX];
    int err = clean_path(name, path);
    if (err) return fail(err);
    const struct module *mod = module_named(path);
    struct memfs_node *node = path[0] && !mod ? memfs_find(path) : NULL;
    if (path[0] && !mod && !node) return fail(ENOENT);
    stat_of(mod, node, st);
    return 0;
}
int stat(const char *, struct stat *) ALIAS(_stat);

int access(const char *name, int mode)
{
    struct stat st;
    if (_stat(name, &st) < 0) return -1;
    if ((mode & W_OK) && !(st.st_mode & 0200)) return fail(EROFS);
    if ((mode & X_OK) && !S_ISDIR(st.st_mode)) return fail(EACCES); /* nothing here is a program */
    return 0;
}

int _isatty(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1; /* the console: line-buffered stdout, so output appears without fflush */
    libc_fail(file_of(fd) ? ENOTTY : EBADF);
    return 0;
}
int isatty(int) ALIAS(_isatty);

/* A name that is an input file or the root cannot be created, removed or renamed. */
static int writable_name(const char *name, char *path)
{
    int err = clean_path(name, path);
    if (err) return err;
    if (!path[0]) return EBUSY;
    return module_named(path) ? EROFS : 0;
}

int mkdir(const char *name, mode_t mode)
{
    (void)mode;
    char path[MEMFS_PATH_MAX];
    int err = writable_name(name, path);
    if (err) return fail(err == EROFS || err == EBUSY ? EEXIST : err);
    int r = memfs_create(path, true, NULL);
    return r < 0 ? fail(-r) : 0;
}

int rmdir(const char *name)
{
    char path[MEMFS_PATH_MAX];
    int err = writable_name(name, path);
    if (err) return fail(err == EROFS ? ENOTDIR : err);
    int r = memfs_remove(path, true);
    return r < 0 ? fail(-r) : 0;
}

int _unlink(const char *name)
{
    char path[MEMFS_PATH_MAX];
    int err = writable_name(name, path);
    if (err) return fail(err == EBUSY ? EISDIR : err);
    int r = memfs_remove(path, false);
    return r < 0 ? fail(-r) : 0;
}
int unlink(const char *) ALIAS(_unlink);

int rename(const char *from, const char *to)
{
    char a[MEMFS_PATH_MAX], b[MEMFS_PATH_MAX];
    int err = writable_name(from, a);
    if (!err) err = writable_name(to, b);
    if (err) return fail(err);
    int r = memfs_rename(a, b);
    return r < 0 ? fail(-r) : 0;
}

int ftruncate(int fd, off_t len)
{
    struct open_file *f = file_of(fd);
    if (!f || !f->node || (f->flags & O_ACCMODE) == O_RDONLY) return fail(f ? EINVAL : EBADF);
    if (len < 0) return fail(EINVAL);
    int r = memfs_truncate(f->node, (size_t)len);
    return r < 0 ? fail(-r) : 0;
}

int fsync(int fd)
{
    return file_of(fd) || (fd >= 0 && fd <= 2) ? 0 : fail(EBADF);
}

char *getcwd(char *buf, size_t size)
{
    if (!buf || size < 2) {
        libc_fail(buf ? ERANGE : EINVAL);
        return NULL;
    }
    strcpy(buf, "/");
    return buf;
}

int chdir(const char *name)
{
    char path[MEMFS_PATH_MAX];
    int err = clean_path(name, path);
    if (err) return fail(err);
    if (!path[0]) return 0;
    struct memfs_node *n = memfs_find(path);
    /* One working directory, the root: moving it would change what every name means. */
    return fail(n && n->dir ? ENOSYS : n || module_named(path) ? ENOTDIR : ENOENT);
}

int libc_files_at_exit(int code)
{
    int i = 0, nfiles = 0;
    size_t bytes = 0;
    for (struct memfs_node *n; (n = memfs_next(&i));)
        if (!n->dir) {
            nfiles++;
            bytes += n->size;
        }
    if (nfiles == 0) return code;
    char line[96];
    int len = ksnprintf(line, sizeof line, "\nfiles: %d written, %lu bytes, sent on this console\n",
                        nfiles, (unsigned long)bytes);
    console_write_raw(line, (size_t)len);
    memfs_dump(console_write_raw);
    return code;
}
