/*
 * net/job_argv.h — rank 0's argument vector, shared with every rank at job start.
 * On the engine only (net/ap.h), so host tests run it over the in-memory switch.
 */
#ifndef PORTO_JOB_ARGV_H
#define PORTO_JOB_ARGV_H
#include <stddef.h>
#include <stdint.h>

struct ap;

/* Collective: rank 0 passes its NUL-separated words in buf[0..*len); every other rank gets
 * them into buf (cap bytes) and *len. 0, or a negative AP_E* code: a length past cap, or
 * words that do not end in a NUL, are refused (-AP_EMSGSIZE / -AP_EINVAL), never stored. */
int job_argv_share(struct ap *ap, char *buf, size_t cap, uint32_t *len);
#endif
