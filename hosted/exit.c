/*
 * hosted/exit.c — how a hosted process ends, the same way a Porto node does. exit(3) (or
 * returning from main) runs the job's exit hook, which reports the code to rank 0 and, on rank
 * 0, waits for every report and turns the code into the job's; the process exits with what
 * the hook returns. A fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE) is reported like a CPU fault on
 * the bare machine (exit code PORTO_EXIT_FAULT), abort() and other deadly signals as
 * PORTO_EXIT_SIGNAL_BASE + signal; either way the report reaches rank 0, which ends the job
 * naming the rank. A handler some other part installed first (a sanitizer's SIGSEGV report)
 * keeps its signal: it ends in abort(), which is reported.
 */
#define _GNU_SOURCE
#include "hosted/host.h"
#include "porto.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*exit_hook)(int code);
static const int deadly[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP};
#define NDEADLY (sizeof deadly / sizeof deadly[0])

void host_at_exit(int (*hook)(int code))
{
    exit_hook = hook;
}

static int run_hook(int code)
{
    int (*hook)(int) = exit_hook;
    exit_hook = NULL; /* once: a fault inside the hook must not run it again */
    fflush(stdout);
    fflush(stderr);
    if (hook) code = hook(code);
    host_job_report();
    fflush(stdout);
    fflush(stderr);
    return code;
}

static void on_exit_fn(int status, void *arg)
{
    (void)arg;
    int code = run_hook(status);
    /* Same code: let the remaining exit handlers (a sanitizer's leak check) run. */
    if (code != status) _exit(code);
}

noreturn void host_exit(int code)
{
    exit(code);
}

static const char *sig_what(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV, invalid memory access";
    case SIGBUS:
        return "SIGBUS, bus error";
    case SIGILL:
        return "SIGILL, illegal instruction";
    case SIGFPE:
        return "SIGFPE, arithmetic fault";
    case SIGABRT:
        return "SIGABRT, abort()";
    case SIGSYS:
        return "SIGSYS, bad system call";
    default:
        return "SIGTRAP, trap";
    }
}

static void on_deadly(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    for (size_t i = 0; i < NDEADLY; i++)
        signal(deadly[i], SIG_DFL); /* a second fault ends the process plainly */
    bool fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
    int code = fault ? PORTO_EXIT_FAULT : PORTO_EXIT_SIGNAL_BASE + sig;
    /* The report goes through stdout like the bare machine's fault report goes through the
     * console: rank 0 prints it tagged with this rank. */
    if (fault)
        printf("*** Porto: signal %d (%s) at address %p\n", sig, sig_what(sig), si->si_addr);
    else
        printf("*** Porto: signal %d (%s)\n", sig, sig_what(sig));
    printf("*** Porto: stopping with exit code %d\n", code);
    _exit(run_hook(code));
}

void host_exit_init(void)
{
    on_exit(on_exit_fn, NULL);
    static char alt[1 << 16]; /* a stack overflow still gets its report */
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    for (size_t i = 0; i < NDEADLY; i++) {
        struct sigaction old;
        if (sigaction(deadly[i], NULL, &old) == 0 &&
            ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL))
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_deadly;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        sigaction(deadly[i], &sa, NULL);
    }
}
