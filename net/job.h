/*
 * net/job.h — the SPMD job (net/job_core.c; platforms: net/job.c on the bare machine,
 * hosted/job_host.c in a Linux process): formation at start, the engine,
 * rank-tagged output forwarded to rank 0, exit reports and the job summary.
 * Kernel words: nodes=N (a job of N ranks; absent or 1: a single node), rank=R (else
 * automatic, by MAC order), job=ID (64-bit; frames of other jobs are ignored; required
 * without a key), key=HEX (32 hex digits: every frame authenticated with SipHash-2-4; without
 * it the node warns at boot), jointimeout=S (formation deadline, default 60), peertimeout=S
 * (a silent rank is declared dead, default 10), colltimeout=S (default 60; timeouts are
 * 1..86400 s), crc=1 (end-to-end CRC32C on every frame of a key-less job), window=F (FC
 * window in frames), rtomin=MS (floor of the retransmission timeout; raise it on hosts that
 * deschedule nodes for ms). A malformed key=/job= or a timeout out of range: exit 101.
 * Ports 62 and 63 are the job layer's; apps use 0..61.
 */
#ifndef PORTO_JOB_H
#define PORTO_JOB_H
#define JOB_PORT_CTL 62
#define JOB_PORT_IO  63
void job_start(void);
#endif
