/*
 * tests/tg3/tg3_model_inspect.c — the tg3 model's violation records (each distinct message
 * kept once, all counted) and what tests read back: violations, statistics, identity, link.
 * Part of the model built by tests/mk/tg3.mk; run with `make unit-test`.
 */
#include "tg3_model_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ violations ---- */

void mdl_violation(struct tg3_model *m, const char *fmt, ...)
{
    char msg[sizeof(m->viol[0])];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    m->nviol++;
    for (unsigned i = 0; i < m->nkept; i++)
        if (strcmp(m->viol[i], msg) == 0) return; /* counted, but each message is kept once */
    if (m->nkept < M_VIOL_KEPT) memcpy(m->viol[m->nkept++], msg, sizeof(msg));
    if (getenv("TG3_MODEL_VERBOSE"))
        fprintf(stderr, "tg3 model %02x: violation: %s\n", m->pci.dev, msg);
}

unsigned tg3_model_violations(const struct tg3_model *m)
{
    return m->nviol;
}

const char *tg3_model_violation(const struct tg3_model *m, unsigned i)
{
    return i < m->nkept ? m->viol[i] : NULL;
}

bool tg3_model_violated(const struct tg3_model *m, const char *substring)
{
    for (unsigned i = 0; i < m->nkept; i++)
        if (strstr(m->viol[i], substring)) return true;
    return false;
}

void tg3_model_print_violations(const struct tg3_model *m)
{
    for (unsigned i = 0; i < m->nkept; i++)
        fprintf(stderr, "  model %02x violation: %s\n", m->pci.dev, m->viol[i]);
}

const struct tg3_model_stats *tg3_model_stats(const struct tg3_model *m)
{
    return &m->st;
}
const struct pci_dev *tg3_model_pci(const struct tg3_model *m)
{
    return &m->pci;
}
uint64_t tg3_model_bar(const struct tg3_model *m)
{
    return m->bar;
}
bool tg3_model_link_up(const struct tg3_model *m)
{
    return m->link;
}
