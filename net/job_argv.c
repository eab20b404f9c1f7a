/*
 * net/job_argv.c — sharing rank 0's argv (see net/job_argv.h): its length first, then the
 * words, with two collective broadcasts. The receiving side checks both before it trusts
 * them: the buffer is static and small.
 */
#include "net/job_argv.h"
#include "net/ap.h"

int job_argv_share(struct ap *ap, char *buf, size_t cap, uint32_t *len)
{
    int r = ap_coll_bcast(ap, 0, len, sizeof *len);
    if (r < 0) return r;
    if (*len > cap) {
        *len = 0;
        return -AP_EMSGSIZE;
    }
    r = ap_coll_bcast(ap, 0, buf, *len);
    if (r < 0) return r;
    if (*len && buf[*len - 1] != '\0') return -AP_EINVAL;
    return 0;
}
