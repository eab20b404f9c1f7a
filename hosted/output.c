/*
 * hosted/output.c — the app's stdout and stderr as Porto's console: whatever the app prints
 * goes to the process's fd 1 (the rank's log), with the job's line prefix ("[0] " on rank 0)
 * and through the job's tap (ranks other than 0 forward whole lines to rank 0). glibc lets a
 * program point stdout/stderr at its own stream (fopencookie); stdout stays line buffered,
 * stderr unbuffered, as a terminal would have them. Bytes written straight to fd 1 or 2
 * (write(2), a sanitizer's report) bypass this and stay in the rank's own log.
 */
#define _GNU_SOURCE
#include "hosted/host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *line_prefix;
static void (*line_tap)(const char *s, size_t n);
static bool at_line_start = true;
static int in_tap; /* the tap prints (job messages) while forwarding: no recursion */

void host_print_raw(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return; /* nowhere to write: the output is lost, the job goes on */
        s += w;
        n -= (size_t)w;
    }
}

void host_print(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        if (at_line_start && line_prefix) host_print_raw(line_prefix, strlen(line_prefix));
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        host_print_raw(p, (size_t)(stop - p));
        at_line_start = nl != NULL;
        p = stop;
    }
    if (line_tap && !in_tap) {
        in_tap++;
        line_tap(s, n);
        in_tap--;
    }
}

void host_set_prefix(const char *prefix)
{
    line_prefix = prefix;
}

void host_set_tap(void (*tap)(const char *s, size_t n))
{
    line_tap = tap;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    host_print(buf, size);
    return (ssize_t)size;
}

void host_output_init(void)
{
    cookie_io_functions_t io = {.write = cookie_write};
    FILE *out = fopencookie(NULL, "w", io), *err = fopencookie(NULL, "w", io);
    if (!out || !err) return; /* keep glibc's own streams: output is untagged, not lost */
    setvbuf(out, NULL, _IOLBF, 0);
    setvbuf(err, NULL, _IONBF, 0);
    fflush(stdout);
    fflush(stderr);
    stdout = out;
    stderr = err;
}
