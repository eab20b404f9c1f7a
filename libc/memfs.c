/*
 * libc/memfs.c — in-memory files (see memfs.h). A fixed table of nodes; file contents are
 * malloc'd buffers that grow by doubling, and every byte of capacity counts against the
 * bound, so the bound is on memory really taken, not only on file sizes.
 */
#include "libc/memfs.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct memfs_node nodes[MEMFS_MAX_NODES];
static size_t limit = MEMFS_DEFAULT_LIMIT;
static size_t used; /* sum of cap over all nodes */

void memfs_set_limit(size_t bytes)
{
    limit = bytes;
}
size_t memfs_limit(void)
{
    return limit;
}
size_t memfs_used(void)
{
    return used;
}

static bool in_use(const struct memfs_node *n)
{
    return n->linked || n->opens > 0;
}

int memfs_normalize(const char *in, char *out, size_t outsz)
{
    size_t o = 0;
    const char *p = in;
    for (const char *c = in; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) return -EINVAL;
    while (*p) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0 || (len == 1 && start[0] == '.')) continue;
        if (len == 2 && start[0] == '.' && start[1] == '.')
            return -EINVAL; /* no way above the file tree, here or in the run directory */
        if (o + (o > 0) + len + 1 > outsz) return -ENAMETOOLONG;
        if (o > 0) out[o++] = '/';
        memcpy(out + o, start, len);
        o += len;
    }
    if (o == 0 || out[0] == ' ') return -EINVAL;
    out[o] = '\0';
    return 0;
}

struct memfs_node *memfs_find(const char *path)
{
    for (int i = 0; i < MEMFS_MAX_NODES; i++)
        if (nodes[i].linked && strcmp(nodes[i].path, path) == 0) return &nodes[i];
    return NULL;
}

/* 0 if the directory holding `path` exists (or is the root). */
static int parent_ok(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return 0;
    char parent[MEMFS_PATH_MAX];
    memcpy(parent, path, (size_t)(slash - path));
    parent[slash - path] = '\0';
    struct memfs_node *d = memfs_find(parent);
    if (!d) return -ENOENT;
    return d->dir ? 0 : -ENOTDIR;
}

int memfs_create(const char *path, bool dir, struct memfs_node **out)
{
    if (strlen(path) >= MEMFS_PATH_MAX) return -ENAMETOOLONG;
    if (memfs_find(path)) return -EEXIST;
    int r = parent_ok(path);
    if (r < 0) return r;
    for (int i = 0; i < MEMFS_MAX_NODES; i++) {
        if (in_use(&nodes[i])) continue;
        struct memfs_node *n = &nodes[i];
        memset(n, 0, sizeof *n);
        strcpy(n->path, path);
        n->dir = dir;
        n->linked = true;
        if (out) *out = n;
        return 0;
    }
    return -ENFILE;
}

static void release(struct memfs_node *n)
{
    if (in_use(n)) return;
    used -= n->cap;
    free(n->data);
    memset(n, 0, sizeof *n);
}

static bool has_children(const char *dir)
{
    size_t len = strlen(dir);
    for (int i = 0; i < MEMFS_MAX_NODES; i++)
        if (nodes[i].linked && strncmp(nodes[i].path, dir, len) == 0 && nodes[i].path[len] == '/')
            return true;
    return false;
}

int memfs_remove(const char *path, bool dir)
{
    struct memfs_node *n = memfs_find(path);
    if (!n) return -ENOENT;
    if (n->dir != dir) return dir ? -ENOTDIR : -EISDIR;
    if (dir && has_children(path)) return -ENOTEMPTY;
    n->linked = false;
    release(n);
    return 0;
}

int memfs_rename(const char *from, const char *to)
{
    struct memfs_node *n = memfs_find(from);
    if (!n) return -ENOENT;
    if (n->dir) return -EISDIR; /* would have to move every entry below it */
    if (strcmp(from, to) == 0) return 0;
    if (strlen(to) >= MEMFS_PATH_MAX) return -ENAMETOOLONG;
    int r = parent_ok(to);
    if (r < 0) return r;
    struct memfs_node *old = memfs_find(to);
    if (old) {
        if (old->dir) return -EISDIR;
        old->linked = false;
        release(old);
    }
    strcpy(n->path, to);
    return 0;
}

void memfs_open(struct memfs_node *n)
{
    n->opens++;
}

void memfs_close(struct memfs_node *n)
{
    if (n->opens > 0) n->opens--;
    release(n);
}

/* Make room for `need` bytes: 0 or -ENOSPC, leaving the file as it was. */
static int reserve(struct memfs_node *n, size_t need)
{
    if (need <= n->cap) return 0;
    size_t avail = used >= limit ? 0 : limit - used;
    size_t cap = n->cap >= 128 ? n->cap * 2 : 256;
    if (cap < need || cap - n->cap > avail)
        cap = need; /* exact when doubling would not be enough or would pass the bound */
    if (cap - n->cap > avail) return -ENOSPC;
    uint8_t *d = realloc(n->data, cap);
    if (!d) return -ENOSPC;
    used += cap - n->cap;
    n->data = d;
    n->cap = cap;
    return 0;
}

long memfs_write(struct memfs_node *n, const void *buf, size_t len, size_t off)
{
    if (len > (size_t)0x7fffffff || off > (size_t)-1 - len) return -EFBIG;
    if (len == 0) return 0;
    int r = reserve(n, off + len);
    if (r < 0) return r;
    if (off > n->size) memset(n->data + n->size, 0, off - n->size);
    memcpy(n->data + off, buf, len);
    if (off + len > n->size) n->size = off + len;
    return (long)len;
}

size_t memfs_read(const struct memfs_node *n, void *buf, size_t len, size_t off)
{
    if (off >= n->size) return 0;
    if (len > n->size - off) len = n->size - off;
    memcpy(buf, n->data + off, len);
    return len;
}

int memfs_truncate(struct memfs_node *n, size_t size)
{
    if (size > n->size) {
        int r = reserve(n, size);
        if (r < 0) return r;
        memset(n->data + n->size, 0, size - n->size);
    }
    n->size = size;
    return 0;
}

struct memfs_node *memfs_next(int *i)
{
    while (*i < MEMFS_MAX_NODES) {
        struct memfs_node *n = &nodes[(*i)++];
        if (n->linked) return n;
    }
    return NULL;
}

uint32_t memfs_crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

size_t memfs_base64(const uint8_t *in, size_t len, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len) v |= in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

int memfs_dump(void (*emit)(const char *s, size_t n))
{
    int files = 0;
    char line[MEMFS_PATH_MAX + 64];
    for (int i = 0; i < MEMFS_MAX_NODES; i++) {
        const struct memfs_node *n = &nodes[i];
        if (!n->linked || n->dir) continue;
        int len =
            snprintf(line, sizeof line, "\n@@porto-file %lu %08lx %s\n", (unsigned long)n->size,
                     (unsigned long)memfs_crc32(0, n->data, n->size), n->path);
        emit(line, (size_t)len);
        for (size_t off = 0; off < n->size; off += 57) { /* 57 bytes: 76 characters */
            size_t k = memfs_base64(n->data + off, n->size - off < 57 ? n->size - off : 57, line);
            line[k++] = '\n';
            emit(line, k);
        }
        emit("@@porto-file-end\n", 17);
        files++;
    }
    return files;
}

void memfs_reset(void)
{
    for (int i = 0; i < MEMFS_MAX_NODES; i++)
        free(nodes[i].data);
    memset(nodes, 0, sizeof nodes);
    used = 0;
    limit = MEMFS_DEFAULT_LIMIT;
}
