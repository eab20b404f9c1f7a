/*
 * kernel/idle_policy.c — the idle= and idlehalt= kernel words (pure; see kernel/idle.h).
 */
#include "kernel/idle.h"
#include <stddef.h>
#include <string.h>

/* Decimal microseconds 1..IDLE_US_MAX, whole string. */
static bool parse_us(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!s || !*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > IDLE_US_MAX) return false;
    }
    if (v == 0) return false;
    *out = (uint32_t)v;
    return true;
}

const char *idle_parse(const char *idle, const char *idlehalt, struct idle_policy *out)
{
    struct idle_policy p = {false, IDLE_SPIN_US_DEFAULT, IDLE_HALT_US_DEFAULT};
    if (idle && strcmp(idle, "spin") == 0) {
        p.halt = false;
    } else if (idle && strncmp(idle, "halt", 4) == 0 && (idle[4] == '\0' || idle[4] == ':')) {
        p.halt = true;
        if (idle[4] == ':' && !parse_us(idle + 5, &p.spin_us))
            return "idle=halt:US wants 1..1000000 microseconds of spinning before a halt";
    } else if (idle) {
        return "idle= wants spin, halt or halt:US";
    }
    if (idlehalt && !parse_us(idlehalt, &p.halt_us))
        return "idlehalt= wants 1..1000000 microseconds";
    *out = p;
    return NULL;
}
