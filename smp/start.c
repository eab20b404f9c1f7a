/*
 * smp/start.c — starting the other cores of a node (smp/smp.h).
 *
 * Why every core gets its own copy of the image's data: a rank is an ordinary C program with
 * globals, a heap and newlib's state, like a process under MPI on Linux. Giving each core its
 * own copy of everything below a limit (mapped at the same addresses by that core's page
 * tables) makes every rank a separate program without changing the kernel, newlib, the job
 * layer or the app: newlib's reentrancy structure, malloc's arena, the engine and the console
 * state are per core because their memory is. What must be one per node is allocated with
 * page_alloc above the limit before the copies are made: the NIC (drivers/nic.c), the switch
 * (smp/switch.c), and the block below (console lock, who is alive, who halted).
 *
 * Order on the first core: read cpus=, find the CPUs, open the NIC with the cores' virtual MACs,
 * build the switch, choose the limit, allocate one 2 MiB-aligned copy per other core, write the
 * trampoline, then copy and start the cores one by one.
 */
#include "smp/smp.h"
#include "drivers/nic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/fault.h"
#include "kernel/idle.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/tsc.h"
#include "net/link.h"
#include "smp/cpus.h"
#include "smp/switch.h"
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#define MSR_APIC_BASE  0x1B
#define LAPIC_ID       0x020
#define LAPIC_ICR_LO   0x300
#define LAPIC_ICR_HI   0x310
#define ICR_INIT       0x00004500u /* INIT, level assert */
#define ICR_STARTUP    0x00004600u /* start-up IPI; low byte = start page */
#define ICR_PENDING    (1u << 12)
#define TRAMP_BASE     0x8000u
#define PAGE_2M        (2ull << 20)
#define MIN_HEAP       (8ull << 20)
#define START_WAIT_MS  2000
#define ALIVE_WAIT_MS  5000
#define LEADER_WAIT_MS 500

struct smp_tramp_params {
    uint32_t cr3, core, entry;
    volatile uint32_t started;
};
extern const uint8_t smp_tramp_start[], smp_tramp_end[], smp_tramp_params[];
extern char boot_pml4[], boot_pdpt[], boot_pd[];
void smp_ap_entry64(void);
void smp_ap_main(unsigned core);

/* One per node, above the limit. */
struct smp_shared {
    volatile int console_lock;
    volatile uint32_t alive[SMP_MAX_CPUS];
    volatile int32_t halted[SMP_MAX_CPUS];    /* exit code + 1 once the core stopped */
    volatile uint32_t sleeping[SMP_MAX_CPUS]; /* halted by the idle policy (kernel/idle.c) */
    uint8_t apic[SMP_MAX_CPUS];
};

static struct smp_shared *shared;
static unsigned ncores = 1, my_core;
static void (*secondary_fn)(void);
static struct link core_link;
static char core_tag[16];

static volatile uint8_t *lapic(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APIC_BASE));
    return (volatile uint8_t *)(uintptr_t)(lo & 0xFFFFF000u);
}

static void send_ipi(uint8_t apic_id, uint32_t icr)
{
    volatile uint8_t *l = lapic();
    mmio_write32(l, LAPIC_ICR_HI, (uint32_t)apic_id << 24);
    mmio_write32(l, LAPIC_ICR_LO, icr);
    for (int i = 0; i < 100000 && (mmio_read32(l, LAPIC_ICR_LO) & ICR_PENDING); i++)
        cpu_pause();
}

static noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static noreturn void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("smp: error: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    kernel_exit(PORTO_EXIT_PANIC);
}

/* The cores' MACs: locally administered, the NIC's address without its second byte and with
 * the core's index last, so that sorting them sorts by node, then core (automatic ranks). */
static void core_macs(const struct nic *nic, unsigned n, uint8_t (*macs)[6])
{
    static const uint8_t none[6] = {0x02, 0, 0, 0, 0, 0};
    const uint8_t *m = nic ? nic->mac : none;
    for (unsigned c = 0; c < n; c++) {
        macs[c][0] = (uint8_t)((m[0] | 0x02) & ~0x01);
        memcpy(&macs[c][1], &m[2], 4);
        macs[c][5] = (uint8_t)c;
    }
}

/* Copy the first core's private range [0, limit) into `to`, skipping free pages (the copy was
 * zeroed when allocated) and the legacy video and ROM window. */
static void copy_private(uintptr_t to, uintptr_t limit)
{
    for (uintptr_t a = 0; a < limit; a += PAGE_SIZE) {
        if (a >= 0xA0000 && a < 0x100000) continue;
        if (a >= 0x100000 && !mem_page_used(a)) continue;
        uint64_t n = PAGE_SIZE / 8;
        uintptr_t s = a, d = to + a; /* rep movsq: address 0 is a valid source here */
        __asm__ volatile("rep movsq" : "+S"(s), "+D"(d), "+c"(n)::"memory");
    }
}

/* The copy's page tables: its private range maps onto the copy, the rest stays identity. */
static uint32_t map_copy(uintptr_t base, uintptr_t limit)
{
    uint64_t *pml4 = (uint64_t *)(base + (uintptr_t)boot_pml4);
    uint64_t *pdpt = (uint64_t *)(base + (uintptr_t)boot_pdpt);
    uint64_t *pd = (uint64_t *)(base + (uintptr_t)boot_pd);
    pml4[0] = (base + (uintptr_t)boot_pdpt) | 3;
    for (int i = 0; i < 4; i++)
        pdpt[i] = (base + (uintptr_t)boot_pd + (uintptr_t)i * PAGE_SIZE) | 3;
    for (uintptr_t k = 0; k < limit / PAGE_2M; k++)
        pd[k] = (base + k * PAGE_2M) | 0x83; /* present, writable, 2 MiB */
    return (uint32_t)(base + (uintptr_t)boot_pml4);
}

static bool wait_for(volatile uint32_t *flag, unsigned ms)
{
    uint64_t end = time_ns() + (uint64_t)ms * 1000000u;
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
        if (time_ns() > end) return false;
    return true;
}

static void start_core(unsigned c, uint8_t apic_id, uint32_t cr3)
{
    struct smp_tramp_params *p =
        (struct smp_tramp_params *)(uintptr_t)(TRAMP_BASE + (smp_tramp_params - smp_tramp_start));
    p->cr3 = cr3;
    p->core = c;
    p->entry = (uint32_t)(uintptr_t)smp_ap_entry64;
    p->started = 0;
    send_ipi(apic_id, ICR_INIT);
    delay_us(10000);
    for (int i = 0; i < 2 && !p->started; i++) {
        send_ipi(apic_id, ICR_STARTUP | (TRAMP_BASE >> 12));
        delay_us(200);
    }
    if (!wait_for(&p->started, START_WAIT_MS))
        fail("core %u (APIC %u) did not answer its start-up IPI", c, apic_id);
    if (!wait_for(&shared->alive[c], ALIVE_WAIT_MS))
        fail("core %u (APIC %u) started but never reached C", c, apic_id);
}

/* Core 0 ends the node: give the others a moment to write their last lines, and report what
 * the switch dropped. */
static void leader_halt(int code)
{
    (void)code;
    uint64_t end = time_ns() + (uint64_t)LEADER_WAIT_MS * 1000000u;
    for (unsigned c = 1; c < ncores; c++)
        while (!shared->halted[c] && time_ns() < end)
            cpu_pause();
    struct sw_stats st;
    sw_stats(&st);
    if (st.drop_full || st.drop_unknown || st.drop_own || st.drop_bad || st.nic_error)
        kprintf("smp: switch: %lu local, %lu to the NIC, %lu from it; dropped: %lu ring full, "
                "%lu for no core, %lu own, %lu bad length, %lu refused by the NIC\n",
                st.local, st.to_nic, st.from_nic, st.drop_full, st.drop_unknown, st.drop_own,
                st.drop_bad, st.nic_error);
    console_flush();
}

/* Another core stops alone: the node goes on until core 0 ends it. */
static void secondary_halt(int code)
{
    console_flush();
    __atomic_store_n(&shared->halted[my_core], code + 1, __ATOMIC_RELEASE);
    for (;;)
        __asm__ volatile("cli; hlt");
}

unsigned smp_start(void (*secondary)(void))
{
    const char *word = karg("cpus");
    bool all = word && strcmp(word, "all") == 0;
    int64_t want = all ? 0 : karg_int("cpus", 1);
    if (want == 1) return 1;
    if (!all && (want < 1 || want > SMP_MAX_CPUS))
        fail("cpus=%ld: want 1..%d or all", (long)want, SMP_MAX_CPUS);
    uint8_t ids[64];
    const char *how;
    int found = smp_find_cpus(ids, (int)sizeof ids, &how);
    kprintf("smp: %d CPUs (%s)\n", found, how);
    if (all) want = found < 1 ? 1 : found > SMP_MAX_CPUS ? SMP_MAX_CPUS : found;
    if (want == 1) return 1;
    if (found < want) fail("cpus=%ld but this machine has %d usable CPUs", (long)want, found);
    /* This core first, then the others in table order. */
    uint8_t bsp = (uint8_t)(mmio_read32(lapic(), LAPIC_ID) >> 24), order[SMP_MAX_CPUS];
    unsigned n = 1;
    order[0] = bsp;
    for (int i = 0; i < found && n < want; i++)
        if (ids[i] != bsp) order[n++] = ids[i];
    if (n < want) fail("cpus=%ld, but this core (APIC %u) is not in the table", (long)want, bsp);

    struct nic *nic = nic_default();
    uint8_t macs[SMP_MAX_CPUS][6];
    core_macs(nic, n, macs);
    if (nic) nic = nic_require_macs((const uint8_t(*)[6])macs, n);
    shared = page_alloc(1);
    if (!shared || sw_create(n, nic, (const uint8_t(*)[6])macs) < 0)
        fail("out of memory for the node's switch (%u cores)", n);

    /* The private range: 2 MiB aligned, an eighth of memory left for page allocations. */
    uintptr_t top = mem_top();
    uintptr_t limit = (uintptr_t)((top - top / 8) / n) & ~(uintptr_t)(PAGE_2M - 1);
    const char *why =
        limit < mem_heap_end() + MIN_HEAP ? "too little memory" : mem_make_private(limit, MIN_HEAP);
    if (why) fail("cannot give each of %u cores its own memory: %s (QEMU: more -m)", n, why);
    uintptr_t copies[SMP_MAX_CPUS];
    for (unsigned c = 1; c < n; c++) {
        uintptr_t raw = (uintptr_t)page_alloc((limit + PAGE_2M) / PAGE_SIZE);
        if (!raw)
            fail("out of memory for core %u's copy (%lu MiB)", c, (unsigned long)(limit >> 20));
        copies[c] = (raw + PAGE_2M - 1) & ~(uintptr_t)(PAGE_2M - 1);
    }
    kprintf("smp: %u cores, %lu MiB private memory each, the rest shared\n", n,
            (unsigned long)(limit >> 20));
    memcpy((void *)(uintptr_t)TRAMP_BASE, smp_tramp_start,
           (size_t)(smp_tramp_end - smp_tramp_start));
    ncores = n;
    secondary_fn = secondary;
    memcpy(shared->apic, order, n);
    kernel_set_core(0, n);
    console_share(&shared->console_lock, 0, NULL);
    for (unsigned c = 1; c < n; c++) {
        copy_private(copies[c], limit);
        start_core(c, order[c], map_copy(copies[c], limit));
    }
    mem_keep_share(0, n);
    idle_share_sleep_flag(&shared->sleeping[0]);
    sw_link(&core_link, 0);
    kernel_set_halt_hook(leader_halt);
    return n;
}

/* A started core, in long mode on its own copy (smp/trampoline.S). */
void smp_ap_main(unsigned core)
{
    my_core = core;
    kernel_set_core(core, ncores);
    fault_init_secondary();
    ksnprintf(core_tag, sizeof core_tag, "(core %u) ", core);
    console_share(&shared->console_lock, core, core_tag);
    idle_init_secondary();
    idle_share_sleep_flag(&shared->sleeping[core]);
    mem_keep_share(core, ncores);
    sw_link(&core_link, core);
    kernel_set_halt_hook(secondary_halt);
    __atomic_store_n(&shared->alive[core], 1, __ATOMIC_RELEASE);
    kprintf("smp: core %u running, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", core, core_link.mac[0],
            core_link.mac[1], core_link.mac[2], core_link.mac[3], core_link.mac[4],
            core_link.mac[5]);
    secondary_fn();
    kernel_exit(0);
}

void smp_kick(unsigned core)
{
    if (core != my_core && __atomic_load_n(&shared->sleeping[core], __ATOMIC_ACQUIRE))
        idle_wake(shared->apic[core]);
}

struct link *smp_link(void)
{
    return ncores > 1 ? &core_link : NULL;
}
