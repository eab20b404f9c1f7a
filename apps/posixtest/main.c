/*
 * apps/posixtest — what common C and MPI programs ask of the C library, checked on a node:
 * the environment (kernel words env.NAME=value), the wall clock (time= from the launcher),
 * getopt_long, sysconf, posix_memalign, pthread in one thread, popen/system failing cleanly,
 * and in-memory files: written, appended, reread, in a directory, up to the bound (ENOSPC).
 * Every check prints "ok" or "FAIL"; the exit code is the number of failures. Each rank
 * leaves two files that the launcher collects: out/rank.txt and log.csv.
 * Used by tests/qemu/52-posix-files.sh:
 *   scripts/porto-run -n 2 build/posixtest.elf --module tests/data/greeting.txt \
 *     --kargs "env.GREETING=hi filesmax=65536" -- --name demo -v
 */
#include "porto.h"
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int failures;

static void check(int ok, const char *what)
{
    printf("posixtest: %s %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

static void *thread_body(void *arg)
{
    return arg;
}

static void options(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    int verbose = 0, c;
    while ((c = getopt_long(argc, argv, "n:v", longopts, NULL)) != -1) {
        if (c == 'n')
            name = optarg;
        else if (c == 'v')
            verbose = 1;
    }
    printf("posixtest: options name=%s verbose=%d\n", name ? name : "(none)", verbose);
    check(name && strcmp(name, "demo") == 0 && verbose, "getopt_long parsed --name demo -v");
}

static void environment(void)
{
    const char *g = getenv("GREETING");
    int n = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    printf("posixtest: GREETING=%s, %d variable(s) in environ\n", g ? g : "(unset)", n);
    check(g && strcmp(g, "hi") == 0 && n >= 1, "getenv and environ see env.GREETING");
}

static void wall_clock(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
    struct timespec rt, mono;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("posixtest: clock time=%lld date %s ctime %s", (long long)now, date, ctime(&now));
    check(tm.tm_year + 1900 >= 2024, "the wall clock tells a date after 2024");
    check(rt.tv_sec >= now && rt.tv_sec - now <= 1 && tv.tv_sec >= now && tv.tv_sec - now <= 1 &&
              rt.tv_sec > mono.tv_sec,
          "CLOCK_REALTIME, gettimeofday and time() agree; REALTIME is past MONOTONIC");
}

static void machine(void)
{
    long page = sysconf(_SC_PAGESIZE), cpus = sysconf(_SC_NPROCESSORS_ONLN),
         tck = sysconf(_SC_CLK_TCK);
    printf("posixtest: sysconf page=%ld cpus=%ld clk_tck=%ld\n", page, cpus, tck);
    check(page == 4096 && getpagesize() == 4096 && cpus == 1 && tck > 0, "sysconf, getpagesize");
    errno = 0;
    check(sysconf(-12345) == -1 && errno == EINVAL, "sysconf of an unknown name: EINVAL");
    void *p = NULL;
    check(posix_memalign(&p, 4096, 10000) == 0 && ((uintptr_t)p & 4095) == 0,
          "posix_memalign 4096");
    free(p);
    check(posix_memalign(&p, 12, 8) == EINVAL, "posix_memalign bad alignment: EINVAL");
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_t t;
    check(pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == EDEADLK &&
              pthread_mutex_unlock(&m) == 0,
          "pthread mutex in one thread (relock: EDEADLK)");
    check(pthread_create(&t, NULL, thread_body, NULL) == EAGAIN, "pthread_create: EAGAIN");
    errno = 0;
    check(popen("ls", "r") == NULL && errno == ENOSYS, "popen: ENOSYS");
    int sys = system("ls"), shell = system(NULL);
    printf("posixtest: system(\"ls\") = %d, system(NULL) = %d\n", sys, shell);
    check(sys == -1 && shell == 0, "system: -1; system(NULL): no shell");
}

static void files(void)
{
    check(mkdir("out", 0755) == 0 && access("out", F_OK) == 0, "mkdir, access");
    check(mkdir("out", 0755) == -1 && errno == EEXIST, "mkdir again: EEXIST");
    FILE *f = fopen("out/rank.txt", "w");
    check(f != NULL, "fopen out/rank.txt w");
    if (!f) return;
    fprintf(f, "rank %d of %d\n", porto_rank(), porto_nodes());
    fclose(f);
    f = fopen("out/rank.txt", "a");
    fprintf(f, "appended\n");
    fclose(f);
    char line[64] = "", line2[64] = "";
    f = fopen("out/rank.txt", "r");
    check(f && fgets(line, sizeof line, f) && fgets(line2, sizeof line2, f),
          "reopen and read back");
    if (f) fclose(f);
    char want[64];
    snprintf(want, sizeof want, "rank %d of %d\n", porto_rank(), porto_nodes());
    check(strcmp(line, want) == 0 && strcmp(line2, "appended\n") == 0, "contents as written");
    struct stat st;
    check(stat("out/rank.txt", &st) == 0 && st.st_size == (off_t)(strlen(want) + 9), "stat size");
    check(fopen("nodir/x", "w") == NULL && errno == ENOENT, "file in a missing directory: ENOENT");
    check(fopen("../escape", "w") == NULL && errno == EINVAL, "a path with ..: EINVAL");

    /* The bound (filesmax=65536 in the test): a big write fails with ENOSPC, nothing half. */
    f = fopen("big.bin", "w");
    char *chunk = calloc(1, 100000);
    size_t wrote = f ? fwrite(chunk, 1, 100000, f) : 0;
    int flushed = f ? fflush(f) : -1;
    int err = errno;
    printf("posixtest: 100000 bytes into a 65536-byte store: fwrite %zu, fflush %d (%s)\n", wrote,
           flushed, strerror(err));
    check(f && (wrote < 100000 || flushed == EOF) && err == ENOSPC, "past filesmax: ENOSPC");
    if (f) fclose(f);
    free(chunk);
    check(unlink("big.bin") == 0 && access("big.bin", F_OK) == -1, "unlink");

    f = fopen("log.csv", "w");
    fprintf(f, "rank,nodes,greeting\n%d,%d,%s\n", porto_rank(), porto_nodes(), getenv("GREETING"));
    fclose(f);
    /* The test loads tests/data/greeting.txt as a module: readable, never writable. */
    f = fopen("greeting.txt", "r");
    check(f && fgets(line, sizeof line, f), "read the input file greeting.txt");
    if (f) fclose(f);
    check(fopen("greeting.txt", "w") == NULL && errno == EROFS, "input files are read-only");
}

int main(int argc, char **argv)
{
    options(argc, argv);
    environment();
    wall_clock();
    machine();
    files();
    printf("posixtest: %d failure(s)\n", failures);
    return failures;
}
