/*
 * apps/hello — the smallest whole Porto app: prints its argv, does double-precision math and
 * malloc, reads a file given as a multiboot module, and exits with a chosen code.
 *   qemu-system-x86_64 -accel tcg -kernel build/hello.elf -serial stdio -display none \
 *     -device isa-debug-exit,iobase=0xf4,iosize=4 -initrd tests/data/greeting.txt \
 *     -append "file=greeting.txt exit=3 -- a b"
 * Kernel words it reads: file=NAME (a module to read), exit=N (exit code), fault=1 (touch an
 * unmapped address on purpose, to show the fault report), abort=1 (call abort()), hang=1
 * (spin forever without polling: a rank that stops answering), only=R (exit/fault/abort/hang
 * apply to rank R only; the job tests use it), chatter=S (every rank sends reliable 1 KB
 * messages to every other rank for S seconds; a failed send ends the app with code 3, naming
 * the peer).
 */
#include "net/ap.h"
#include "porto.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_file(const char *name)
{
    FILE *f = fopen(name, "r");
    if (!f) {
        perror(name);
        return -1;
    }
    char line[256];
    size_t bytes = 0;
    unsigned sum = 0;
    while (fgets(line, sizeof line, f)) {
        printf("file %s: %s", name, line);
        for (char *p = line; *p; p++, bytes++)
            sum = sum * 31 + (unsigned char)*p;
    }
    fclose(f);
    printf("file %s: %zu bytes, hash %08x\n", name, bytes, sum);
    return 0;
}

#define CHATTER_PORT 5

/* Reliable sends round-robin to every other rank for `seconds`: a peer that dies makes the
 * send fail (EPEER after peertimeout) instead of blocking forever. */
static int chatter(int64_t seconds)
{
    static char inbox[64 * 1024], msg[1024];
    struct ap *ap = porto_ap();
    int me = porto_rank(), n = porto_nodes();
    if (!ap || n < 2) return 0;
    if (ap_port_open(ap, CHATTER_PORT, inbox, sizeof inbox, NULL, NULL, AP_PORT_SLOTS) < 0)
        return 3;
    ap_barrier(ap);
    printf("chatter: sending to every rank for %ld s\n", (long)seconds);
    uint64_t end = porto_time_ns() + (uint64_t)seconds * 1000000000ull;
    unsigned long sent = 0;
    for (int k = 1; porto_time_ns() < end; k++) {
        int to = (me + k % (n - 1) + 1) % n;
        int r = ap_send_fc(ap, to, CHATTER_PORT, msg, sizeof msg);
        if (r < 0) {
            printf("chatter: send to rank %d failed: %s\n", to, ap_strerror(r));
            return 3;
        }
        sent++;
    }
    printf("chatter: %lu messages sent\n", sent);
    ap_barrier(ap);
    return 0;
}

int main(int argc, char **argv)
{
    if (porto_nodes() > 1) printf("hello from rank %d of %d\n", porto_rank(), porto_nodes());
    printf("argc=%d", argc);
    for (int i = 0; i < argc; i++)
        printf(" argv[%d]=%s", i, argv[i]);
    printf("\n");

    /* Floating point through SSE and libm: sum 1/k^2 -> pi^2/6, and a few libm calls. */
    double s = 0;
    for (int k = 1; k <= 100000; k++)
        s += 1.0 / ((double)k * k);
    printf("math: sqrt(6*sum 1/k^2)=%.6f exp(1)=%.9f atan2(1,1)*4=%.9f\n", sqrt(6 * s), exp(1.0),
           atan2(1.0, 1.0) * 4);

    /* malloc: a few sizes, written and checked. */
    size_t total = 0;
    for (size_t n = 16; n <= (1u << 22); n *= 4) {
        unsigned char *p = malloc(n);
        if (!p) {
            printf("malloc(%zu) failed\n", n);
            return 1;
        }
        memset(p, (int)(n & 0xff), n);
        for (size_t i = 0; i < n; i += 4093)
            if (p[i] != (unsigned char)(n & 0xff)) {
                printf("malloc(%zu): memory does not hold what was written\n", n);
                return 1;
            }
        total += n;
        free(p);
    }
    printf("malloc: %zu bytes in 10 blocks ok\n", total);

    const char *file = porto_arg("file");
    if (file && read_file(file) != 0) return 2;

    int64_t talk = porto_arg_int("chatter", 0);
    if (talk > 0 && chatter(talk) != 0) return 3;

    int only = (int)porto_arg_int("only", -1);
    int chosen = only < 0 || only == porto_rank();
    if (chosen && porto_arg("hang")) {
        printf("hang=1: spinning without polling the network\n");
        for (volatile int spin = 1; spin;)
            ;
    }
    if (chosen && porto_arg("fault")) {
        printf("fault=1: reading an unmapped address on purpose\n");
        volatile uint64_t *bad = (volatile uint64_t *)0x123456789000ull;
        printf("never printed: %lu\n", (unsigned long)*bad);
    }
    if (chosen && porto_arg("abort")) {
        printf("abort=1: calling abort() on purpose\n");
        abort();
    }
    int code = chosen ? (int)porto_arg_int("exit", 0) : 0;
    printf("hello: exiting with %d\n", code);
    return code;
}
