/*
 * net/job_form.h — job formation: the nodes of a job find each other on the Ethernet segment
 * and agree on the member list and ranks, before the messaging engine starts.
 * Runs over any net/link.h link, so host tests drive it over an in-memory switch.
 */
#ifndef PORTO_JOB_FORM_H
#define PORTO_JOB_FORM_H
#include <stdbool.h>
#include <stdint.h>
#include "net/link.h"

#define JOB_MAX_NODES 256
#define JOB_RANK_AUTO (-1)

struct job_form_config {
    struct link *link;
    uint64_t (*now_ns)(void);
    uint32_t job_id;
    unsigned nodes;
    int rank;                      /* JOB_RANK_AUTO: ranks by MAC order */
    uint64_t timeout_ns;           /* give up (and say who is missing) after this */
    uint64_t hello_ns;             /* HELLO period; 0 = 20 ms */
    void (*log)(const char *line); /* progress and warnings; may be NULL */
    /* Optional: called when a pass received nothing (a host process yields the CPU). */
    void (*idle)(void *arg);
    void *idle_arg;
};

struct job_form_result {
    int rank;
    unsigned nodes;
    uint8_t macs[JOB_MAX_NODES][6]; /* by rank */
    char error[256];                /* why formation failed ("" on success) */
    unsigned frames_other_job, frames_ignored;
};

/* Returns 0 when every node agrees, negative on timeout or conflict (res->error says why,
 * naming the missing ranks or MACs). */
int job_form(const struct job_form_config *cfg, struct job_form_result *res);

/* After formation the engine owns the link; frames of type JOB_T_HELLO reach it as foreign
 * frames. A late node still forming needs an answer: call this with such a frame. */
void job_form_answer(const struct job_form_config *cfg, const struct job_form_result *res,
                     const void *frame, size_t len);

#define JOB_T_HELLO 0x80
#endif
