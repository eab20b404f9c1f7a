/*
 * net/job_form.h — job formation: the nodes of a job find each other on the Ethernet segment
 * and agree on the member list, the ranks and a per-run nonce, before the messaging engine
 * starts. Runs over any net/link.h link, so host tests drive it over an in-memory switch.
 */
#ifndef PORTO_JOB_FORM_H
#define PORTO_JOB_FORM_H
#include <stdbool.h>
#include <stdint.h>
#include "net/link.h"

#define JOB_MAX_NODES 256
#define JOB_RANK_AUTO (-1)
#define JOB_KEY_LEN   16

struct job_form_config {
    struct link *link;
    uint64_t (*now_ns)(void);
    uint64_t job_id;    /* all 64 bits count: HELLOs of other jobs are ignored */
    const uint8_t *key; /* JOB_KEY_LEN bytes, or NULL: HELLOs are then not authenticated */
    uint64_t contrib;   /* this node's random share of the run's nonce */
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
    uint64_t contribs[JOB_MAX_NODES];
    uint64_t nonce;  /* the run's nonce: a hash of every member's MAC and contribution */
    char error[256]; /* why formation failed ("" on success) */
    unsigned frames_other_job, frames_ignored, frames_bad_auth, entries_expired;
};

/* What the engine of this run is given: derived from the job id, the key and the nonce, so
 * that frames of another run (another nonce) or another key are refused. */
struct job_identity {
    uint32_t wire_job; /* the engine's 32-bit header job field */
    uint64_t seq_seed; /* seed of the engine's initial sequence numbers */
    bool keyed;
    uint8_t session_key[JOB_KEY_LEN]; /* the engine's SipHash key (keyed jobs) */
};

/* Returns 0 when every node agrees, negative on timeout or conflict (res->error says why,
 * naming the missing ranks or MACs). */
int job_form(const struct job_form_config *cfg, struct job_form_result *res);

/* After formation the engine owns the link; frames of type JOB_T_HELLO reach it as foreign
 * frames. A member still forming needs an answer: call this with such a frame. */
void job_form_answer(const struct job_form_config *cfg, const struct job_form_result *res,
                     const void *frame, size_t len);

void job_identity(const struct job_form_config *cfg, const struct job_form_result *res,
                  struct job_identity *id);

#define JOB_T_HELLO 0x80
#endif
