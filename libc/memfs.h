/*
 * libc/memfs.h — the files a program writes, kept in memory (a node has no disk).
 * A flat table of paths ("out/result.csv"), files and directories, with one bound on the
 * bytes all files hold together: a write past it fails with ENOSPC and stores nothing.
 * At exit the files are printed on the serial console in frames (memfs_dump) that
 * scripts/porto-run decodes into the run directory. Pure logic on malloc: unit tested on the
 * host (tests/unit/test_memfs.c); libc/files.c puts file descriptors on top.
 *
 * Frame on the console, one per regular file (CRLF or LF line ends both decode):
 *   @@porto-file <size> <crc32 hex> <path>
 *   <base64 of the contents, 76 characters a line>
 *   @@porto-file-end
 * The path has no spaces at its start, no control characters, no ".." component and no
 * leading '/' (memfs_normalize), so it is safe to join to a directory on the host.
 */
#ifndef PORTO_MEMFS_H
#define PORTO_MEMFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMFS_PATH_MAX      128
#define MEMFS_MAX_NODES     128
#define MEMFS_DEFAULT_LIMIT (4u << 20) /* bytes in all files together */

struct memfs_node {
    char path[MEMFS_PATH_MAX];
    bool dir;
    bool linked; /* still has its name (unlinked nodes live on while open) */
    int opens;
    uint8_t *data;
    size_t size, cap;
};

/* The bound on all file bytes (default MEMFS_DEFAULT_LIMIT); lowering it under what is
 * stored fails only later writes. memfs_used() is what the files hold now. */
void memfs_set_limit(size_t bytes);
size_t memfs_limit(void);
size_t memfs_used(void);

/* Clean `in` into `out`: no leading '/', no "." or empty components, no trailing '/'.
 * Returns 0, or -EINVAL (empty, "..", a control character), -ENAMETOOLONG. */
int memfs_normalize(const char *in, char *out, size_t outsz);

/* Look up a normalized path; NULL if absent. */
struct memfs_node *memfs_find(const char *path);
/* Create a file or directory at a normalized path. Its parent directory must exist
 * (-ENOENT, -ENOTDIR); -EEXIST if the name is taken; -ENFILE when the table is full. */
int memfs_create(const char *path, bool dir, struct memfs_node **out);
/* Remove a name: -ENOENT; -EISDIR/-ENOTDIR when `dir` does not match; -ENOTEMPTY for a
 * directory that still has entries. The node's memory goes when the last open closes. */
int memfs_remove(const char *path, bool dir);
/* Rename a file (the target, if a file, is replaced); directories cannot be renamed. */
int memfs_rename(const char *from, const char *to);
void memfs_open(struct memfs_node *n);
void memfs_close(struct memfs_node *n);

/* Write n bytes at off (a gap reads as zeros): n, or -ENOSPC (nothing stored) or -EFBIG. */
long memfs_write(struct memfs_node *n, const void *buf, size_t len, size_t off);
/* Read up to len bytes at off: the count (0 at or past the end). */
size_t memfs_read(const struct memfs_node *n, void *buf, size_t len, size_t off);
/* Set the size (shrink or zero-extend): 0, or -ENOSPC. */
int memfs_truncate(struct memfs_node *n, size_t size);

/* Iterate over named nodes: returns the next after index *i (start with *i = 0) or NULL. */
struct memfs_node *memfs_next(int *i);

/* Standard CRC-32 (IEEE 802.3, as zlib's crc32), continuing from `crc` (0 to start). */
uint32_t memfs_crc32(uint32_t crc, const void *buf, size_t len);
/* Base64 of len bytes into out (4 * ceil(len / 3) characters + NUL); returns the length. */
size_t memfs_base64(const uint8_t *in, size_t len, char *out);
/* Print every regular file in the frame above through `emit`; returns the number of files. */
int memfs_dump(void (*emit)(const char *s, size_t n));

/* Forget everything (host tests). */
void memfs_reset(void);
#endif
