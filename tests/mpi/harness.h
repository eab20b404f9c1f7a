/*
 * tests/mpi/harness.h — running MPI rank functions on N host ranks (threads over the lossy
 * in-memory switch) and checking inside them.
 */
#ifndef PORTO_TESTS_MPI_HARNESS_H
#define PORTO_TESTS_MPI_HARNESS_H

#include <stdbool.h>

#include "mpi.h"
#include "tests/engine/cluster.h"
#include "tests/mpi/mpi_host.h"

struct mh_opts {
    unsigned nodes;
    double drop, reorder, dup; /* switch faults */
    /* The links read large pieces later, like a NIC's DMA (memswitch.h): an engine request
     * then completes only once the link is done with its buffer. */
    bool deferred;
    unsigned timeout_s;
};

/* Run fn on every rank; each rank's exit code (MPI_HOST_RETURNED if it returned) lands in
 * codes[] when codes is not NULL. Returns the number of failed ranks. */
unsigned mh_run(const struct mh_opts *o, int (*fn)(void), int *codes);
/* Clean switch, n ranks: fails the cmocka test when any rank failed. */
void mh_expect_pass(unsigned n, int (*fn)(void));
/* Record a failure of the calling rank (first one wins) and return -1. */
int mh_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) return mh_fail(__FILE__, __LINE__, __VA_ARGS__);                              \
    } while (0)
#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != MPI_SUCCESS) return mh_fail(__FILE__, __LINE__, "%s = %d", #call, rc_);         \
    } while (0)

static inline int mh_rank(void)
{
    int r = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}
static inline int mh_size(void)
{
    int s = -1;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}
/* Byte i of a pattern identified by id (as the engine tests use). */
static inline unsigned char mh_pat(unsigned id, size_t i)
{
    return tc_pattern(id, i);
}

#endif
