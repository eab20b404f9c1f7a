/*
 * hosted/args.c — the Porto words of a hosted process. The command line has the shape of the
 * bare machine's: `prog key=value ... -- app args`; the words before `--` are Porto's (what
 * --kargs gives a QEMU node), the rest is the app's argv. Without `--`, the leading words of
 * the form key=value are Porto's and the rest the app's, so `build/host/hello a b` and
 * `build/host/hello exit=3` both do what one expects. Under Slurm's srun, rank= and nodes=
 * come from SLURM_PROCID and SLURM_NTASKS when the command line does not give them.
 */
#define _GNU_SOURCE
#include "hosted/host.h"
#include "kernel/cmdline.h"
#include "porto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The words in the bare machine's table (kernel/cmdline.h), read with its parsers: the same
 * syntax and checks for numbers, 64-bit ids and hex keys on both runtimes. */
static struct cmdline words;
static int app_argc;
static char *app_argv[HOST_MAX_ARGS + 1];
static char rank_word[32], nodes_word[32], job_word[32];
static bool from_slurm;

static noreturn void bad(const char *what, const char *word)
{
    fprintf(stderr, "porto: bad command line: %s '%s'\n", what, word);
    fprintf(stderr, "porto: usage: PROGRAM [key=value ...] [-- app args]\n");
    exit(PORTO_EXIT_PANIC);
}

static void add_word(const char *key, const char *val)
{
    if (words.nkeys == CMDLINE_MAX_KEYS) bad("more than 32 Porto words, at", key);
    words.keys[words.nkeys] = key;
    words.vals[words.nkeys] = val;
    words.nkeys++;
}

void host_args_init(int argc, char **argv)
{
    int dashes = -1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            dashes = i;
            break;
        }
    int first_app = dashes + 1;
    if (dashes < 0) { /* no `--`: the leading key=value words */
        dashes = 1;
        while (dashes < argc && strchr(argv[dashes], '=') && argv[dashes][0] != '=')
            dashes++;
        first_app = dashes;
    }
    for (int i = 1; i < dashes; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == argv[i]) bad("a word without a key", argv[i]);
        if (eq) {
            char *key = strndup(argv[i], (size_t)(eq - argv[i]));
            if (!key) bad("out of memory at", argv[i]);
            add_word(key, eq + 1);
        } else {
            add_word(argv[i], "");
        }
    }
    app_argv[app_argc++] = argv[0];
    for (int i = first_app; i < argc; i++) {
        if (app_argc == HOST_MAX_ARGS) bad("more than 64 app arguments, at", argv[i]);
        app_argv[app_argc++] = argv[i];
    }
    app_argv[app_argc] = NULL;
    /* srun: one task per process, ranks 0..SLURM_NTASKS-1. */
    const char *procid = getenv("SLURM_PROCID"), *ntasks = getenv("SLURM_NTASKS");
    if (!host_arg("rank") && procid && ntasks) {
        snprintf(rank_word, sizeof rank_word, "%s", procid);
        snprintf(nodes_word, sizeof nodes_word, "%s", ntasks);
        add_word("rank", rank_word);
        if (!host_arg("nodes")) add_word("nodes", nodes_word);
        /* Every task of the step computes the same job id: frames of other steps are not
         * this job's. */
        const char *job = getenv("SLURM_JOB_ID"), *step = getenv("SLURM_STEP_ID");
        if (!host_arg("job") && job) {
            unsigned long long id =
                strtoull(job, NULL, 10) << 20 | strtoull(step ? step : "0", NULL, 10);
            snprintf(job_word, sizeof job_word, "0x%llx", id);
            add_word("job", job_word);
        }
        from_slurm = true;
    }
}

const struct cmdline *host_words(void)
{
    return &words;
}

const char *host_arg(const char *key)
{
    return cmdline_get(&words, key);
}

int64_t host_arg_int(const char *key, int64_t def)
{
    bool ok = true;
    int64_t x = cmdline_get_int(&words, key, def, &ok);
    if (!ok) {
        fprintf(stderr, "porto: bad command line: %s=%s is not a number\n", key, host_arg(key));
        exit(PORTO_EXIT_PANIC);
    }
    return x;
}

bool host_rank_from_slurm(void)
{
    return from_slurm;
}

int host_app_argc(void)
{
    return app_argc;
}
char **host_app_argv(void)
{
    return app_argv;
}
int *host_app_argc_ptr(void)
{
    return &app_argc;
}
