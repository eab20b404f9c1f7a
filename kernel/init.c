/*
 * kernel/init.c — the machine services, brought up in order by kernel_init() (called first by
 * runtime/start.c): console, multiboot information, faults, command line, memory, clock, idle
 * policy.
 * Also the machine's exit path and the multiboot module table.
 */
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/fault.h"
#include "kernel/idle.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/multiboot.h"
#include "kernel/tsc.h"
#include <string.h>

struct cmdline boot_cmdline;

#define MAX_MODULES 16
#define STRING_POOL 2048
static struct module modules[MAX_MODULES];
static int nmodules;
static char string_pool[STRING_POOL];
static size_t pool_used;
static char progname[32] = "app";

/* Loaders put strings right after our image, where the heap will grow: copy them now. */
static const char *keep_string(uint32_t addr)
{
    const char *s = addr ? (const char *)(uintptr_t)addr : "";
    size_t n = strlen(s);
    if (pool_used + n + 1 > STRING_POOL) return "";
    char *d = string_pool + pool_used;
    memcpy(d, s, n + 1);
    pool_used += n + 1;
    return d;
}

static const char *basename_of_first_word(const char *s, char *out, size_t outsz)
{
    const char *end = s;
    while (*end && *end != ' ')
        end++;
    const char *b = s;
    for (const char *p = s; p < end; p++)
        if (*p == '/') b = p + 1;
    size_t n = (size_t)(end - b) < outsz - 1 ? (size_t)(end - b) : outsz - 1;
    memcpy(out, b, n);
    out[n] = '\0';
    return out;
}

static void read_multiboot(const struct mb_info *mbi, const char **cmdline)
{
    *cmdline = (mbi->flags & MB_INFO_CMDLINE) ? keep_string(mbi->cmdline) : "";
    /* The app's name is the image file's name without ".elf". */
    basename_of_first_word(*cmdline, progname, sizeof progname);
    char *dot = strstr(progname, ".elf");
    if (dot) *dot = '\0';
    if (!progname[0] || strchr(progname, '=')) strcpy(progname, "app");
    if (!(mbi->flags & MB_INFO_MODS)) return;
    const struct mb_module *m = (const void *)(uintptr_t)mbi->mods_addr;
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        if (nmodules == MAX_MODULES) {
            kprintf("modules: more than %d, the rest are ignored\n", MAX_MODULES);
            break;
        }
        struct module *mod = &modules[nmodules++];
        mod->cmdline = keep_string(m[i].string);
        char name[64];
        basename_of_first_word(mod->cmdline, name, sizeof name);
        mod->name = keep_string((uint32_t)(uintptr_t)name);
        mod->data = (const uint8_t *)(uintptr_t)m[i].mod_start;
        mod->size = m[i].mod_end > m[i].mod_start ? m[i].mod_end - m[i].mod_start : 0;
    }
}

const struct module *module_find(const char *name)
{
    for (int i = 0; i < nmodules; i++)
        if (strcmp(modules[i].name, name) == 0 || strcmp(modules[i].cmdline, name) == 0)
            return &modules[i];
    return NULL;
}
int module_count(void)
{
    return nmodules;
}
const struct module *module_get(int i)
{
    return i >= 0 && i < nmodules ? &modules[i] : NULL;
}

const char *karg(const char *key)
{
    return cmdline_get(&boot_cmdline, key);
}

int64_t karg_int(const char *key, int64_t def)
{
    bool ok;
    int64_t v = cmdline_get_int(&boot_cmdline, key, def, &ok);
    if (!ok) {
        kprintf("Porto: bad command line: %s=%s is not a number\n", key, karg(key));
        kernel_exit(PORTO_EXIT_PANIC);
    }
    return v;
}

void kernel_init(uint32_t mbi_addr)
{
    console_init();
    const char *cmdline;
    read_multiboot((const struct mb_info *)(uintptr_t)mbi_addr, &cmdline);
    kprintf("\nPorto unikernel, app '%s'\n", progname);
    fault_init();
    cmdline_parse(&boot_cmdline, cmdline, progname);
    if (boot_cmdline.error) {
        kprintf("Porto: bad command line: %s\n", boot_cmdline.error);
        kernel_exit(PORTO_EXIT_PANIC);
    }
    kprintf("cmdline:");
    for (int i = 0; i < boot_cmdline.nkeys; i++)
        kprintf(" %s=%s", boot_cmdline.keys[i], boot_cmdline.vals[i]);
    kprintf(" --");
    for (int i = 1; i < boot_cmdline.argc; i++)
        kprintf(" %s", boot_cmdline.argv[i]);
    kprintf("\n");
    mem_init((const void *)(uintptr_t)mbi_addr);
    for (int i = 0; i < nmodules; i++)
        kprintf("module: %s, %lu bytes at %p\n", modules[i].name, (uint64_t)modules[i].size,
                modules[i].data);
    tsc_calibrate();
    kprintf("tsc: %lu.%03lu MHz, calibrated by %s\n", tsc_hz / 1000000, tsc_hz / 1000 % 1000,
            tsc_method);
    idle_init();
}

static int (*exit_hooks[4])(int);
static int nexit_hooks;

void kernel_at_exit(int (*hook)(int code))
{
    if (nexit_hooks < 4) exit_hooks[nexit_hooks++] = hook;
}

static unsigned this_core, n_cores = 1;
static void (*halt_hook)(int code);

void kernel_set_core(unsigned core, unsigned cores)
{
    this_core = core;
    n_cores = cores;
}
unsigned kernel_core(void)
{
    return this_core;
}
unsigned kernel_cores(void)
{
    return n_cores;
}
void kernel_set_halt_hook(void (*hook)(int code))
{
    halt_hook = hook;
}

noreturn void kernel_halt(int code)
{
    if (code < 0 || code > 127) {
        kprintf("Porto: exit code %d does not fit QEMU's debug exit, reporting 127\n", code);
        code = 127;
    }
    /* Only core 0 stops the machine; launchers read its line ("Porto: halted") as the node's
     * exit code, so another core's says something else. */
    if (this_core)
        kprintf("Porto: core %u stopped, exit code %d\n", this_core, code);
    else
        kprintf("Porto: halted, exit code %d\n", code);
    console_flush();
    if (halt_hook) halt_hook(code); /* a secondary core stops there: core 0 ends the node */
    /* isa-debug-exit (QEMU -device isa-debug-exit,iobase=0xf4,iosize=4): the QEMU process
     * exits with status (code << 1) | 1. Elsewhere the write goes nowhere. */
    outl(0xf4, (uint32_t)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

noreturn void kernel_exit(int code)
{
    static int exiting;
    if (!exiting++)
        while (nexit_hooks > 0)
            code = exit_hooks[--nexit_hooks](code);
    kernel_halt(code);
}

noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("\n*** Porto panic: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    kernel_exit(PORTO_EXIT_PANIC);
}
