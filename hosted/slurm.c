/*
 * hosted/slurm.c — what Slurm's srun tells each task, expanded: the step's host list
 * (SLURM_STEP_NODELIST, e.g. "node[01-03,07],gpu5") and its tasks per node
 * (SLURM_STEP_TASKS_PER_NODE, e.g. "2(x3),1"), and where a rank runs under block or cyclic
 * distribution. Pure logic: unit tested in tests/hosted/test_slurm.c.
 */
#include "hosted/host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse a decimal number at *p (no sign); -1 if none or too large. Keeps leading zeros'
 * width in *width. */
static long number(const char **p, int *width)
{
    const char *s = *p;
    long v = 0;
    int w = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > 100000000) return -1;
        s++;
        w++;
    }
    if (w == 0) return -1;
    *p = s;
    if (width) *width = w;
    return v;
}

static int emit(char (*out)[64], int n, int max, const char *prefix, size_t plen, long num,
                int width, const char *suffix, size_t slen, const char **err)
{
    if (n >= max) {
        *err = "more hosts than ranks";
        return -1;
    }
    char digits[24];
    int dl = num < 0 ? 0 : snprintf(digits, sizeof digits, "%0*ld", width, num);
    if (plen + (size_t)dl + slen >= 64) {
        *err = "a host name of 64 bytes or more";
        return -1;
    }
    memcpy(out[n], prefix, plen);
    memcpy(out[n] + plen, digits, (size_t)dl);
    memcpy(out[n] + plen + (size_t)dl, suffix, slen);
    out[n][plen + (size_t)dl + slen] = 0;
    return n + 1;
}

int host_expand_hostlist(const char *list, char (*out)[64], int max, const char **err)
{
    int n = 0;
    const char *p = list;
    *err = NULL;
    if (!list || !*list) {
        *err = "empty host list";
        return -1;
    }
    while (*p) {
        const char *start = p;
        while (*p && *p != ',' && *p != '[')
            p++;
        size_t plen = (size_t)(p - start);
        if (*p != '[') { /* a plain name */
            if (plen == 0) {
                *err = "an empty host name";
                return -1;
            }
            if ((n = emit(out, n, max, start, plen, -1, 0, "", 0, err)) < 0) return -1;
        } else {
            const char *ranges = ++p;
            const char *close = strchr(ranges, ']');
            if (!close) {
                *err = "a '[' without ']'";
                return -1;
            }
            const char *suffix = close + 1, *send = suffix;
            while (*send && *send != ',')
                send++;
            if (memchr(suffix, '[', (size_t)(send - suffix))) {
                *err = "more than one [range] in a host name";
                return -1;
            }
            const char *q = ranges;
            while (q < close) {
                int w1 = 0, w2 = 0;
                long a = number(&q, &w1), b = a;
                if (a < 0) {
                    *err = "a bad number in a [range]";
                    return -1;
                }
                if (*q == '-') {
                    q++;
                    b = number(&q, &w2);
                    if (b < a) {
                        *err = "a bad [a-b] range";
                        return -1;
                    }
                }
                if (q < close && *q != ',') {
                    *err = "a bad character in a [range]";
                    return -1;
                }
                if (*q == ',') q++;
                for (long x = a; x <= b; x++)
                    if ((n = emit(out, n, max, start, plen, x, w1, suffix, (size_t)(send - suffix),
                                  err)) < 0)
                        return -1;
            }
            p = send;
        }
        if (*p == ',') {
            p++;
            if (!*p) {
                *err = "a trailing ','";
                return -1;
            }
        }
    }
    return n;
}

int host_expand_tasks(const char *spec, int *counts, int max, const char **err)
{
    int n = 0;
    const char *p = spec;
    *err = NULL;
    if (!spec || !*spec) {
        *err = "empty tasks-per-node list";
        return -1;
    }
    while (*p) {
        long c = number(&p, NULL), rep = 1;
        if (c <= 0) {
            *err = "a bad task count";
            return -1;
        }
        if (*p == '(') {
            if (p[1] != 'x') {
                *err = "a bad (xN) repeat";
                return -1;
            }
            p += 2;
            rep = number(&p, NULL);
            if (rep <= 0 || *p != ')') {
                *err = "a bad (xN) repeat";
                return -1;
            }
            p++;
        }
        for (long i = 0; i < rep; i++) {
            if (n >= max) {
                *err = "more nodes than the host list has";
                return -1;
            }
            counts[n++] = (int)c;
        }
        if (*p == ',')
            p++;
        else if (*p) {
            *err = "a bad character in the tasks-per-node list";
            return -1;
        }
    }
    return n;
}

int host_node_of_rank(int rank, const int *counts, int nnodes, bool cyclic)
{
    if (rank < 0 || nnodes <= 0) return -1;
    if (!cyclic) {
        for (int k = 0; k < nnodes; k++) {
            if (rank < counts[k]) return k;
            rank -= counts[k];
        }
        return -1;
    }
    /* Cyclic: one task per node in turn, skipping nodes whose tasks are all placed. */
    int placed[HOST_MAX_NODES] = {0};
    if (nnodes > HOST_MAX_NODES) return -1;
    for (int r = 0;;) {
        bool any = false;
        for (int k = 0; k < nnodes; k++) {
            if (placed[k] >= counts[k]) continue;
            any = true;
            if (r == rank) return k;
            placed[k]++;
            r++;
        }
        if (!any) return -1;
    }
}
