/*
 * kernel/console.c — the serial console: COM1 16550 at 115200 8N1, polled, no interrupts.
 * Every byte Porto prints goes through console_write(); a tap (the job layer) may see it too.
 * On a multi-core node each core writes whole lines under a shared lock (console_share).
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include <stdbool.h>

#define COM1          0x3f8
#define UART_THR      0 /* transmit holding */
#define UART_IER      1 /* interrupt enable */
#define UART_FCR      2 /* FIFO control */
#define UART_LCR      3 /* line control; bit 7 = divisor latch access */
#define UART_MCR      4 /* modem control */
#define UART_LSR      5 /* line status; bit 5 = THR empty */
#define UART_LSR_THRE 0x20

static void (*console_tap)(const char *s, size_t n);
static int tap_busy; /* a tap that prints must not recurse into itself */
static const char *line_prefix;
static int at_line_start = 1;

void console_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);
    outb(COM1 + 0, 0x01); /* divisor 1 = 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS; OUT2 off: no interrupt line */
}

static void uart_putc(char c)
{
    /* Bounded wait: a missing UART must not hang the machine. */
    for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++)
        cpu_pause();
    outb(COM1 + UART_THR, (uint8_t)c);
}

static void uart_out(char c)
{
    if (c == '\n') uart_putc('\r');
    uart_putc(c);
}

/* Several cores share the UART (smp/): each buffers its line and writes it whole while it
 * holds the node's console lock (in memory every core sees), so lines never interleave. A
 * line is cut at LINE_MAX bytes; console_flush() writes a partial one. */
#define LINE_MAX 256
static volatile int *shared_lock; /* 0 free, else the holder's core + 1 */
static int lock_self;
static const char *core_tag; /* "(core 1) " before each line of a secondary core */
static char line[LINE_MAX];
static size_t line_len;

static void emit_line(void)
{
    bool mine = *shared_lock == lock_self; /* a fault while this core printed */
    if (!mine)
        while (__atomic_exchange_n(shared_lock, lock_self, __ATOMIC_ACQUIRE) != 0)
            cpu_pause();
    if (core_tag)
        for (const char *p = core_tag; *p; p++)
            uart_out(*p);
    for (size_t i = 0; i < line_len; i++)
        uart_out(line[i]);
    line_len = 0;
    if (!mine) __atomic_store_n(shared_lock, 0, __ATOMIC_RELEASE);
}

void console_share(volatile int *lock, unsigned core, const char *tag)
{
    line_len = 0; /* another core's copy of the line buffer: not ours to print */
    lock_self = (int)core + 1;
    core_tag = tag;
    shared_lock = lock;
}

void console_flush(void)
{
    if (shared_lock && line_len) emit_line();
}

void console_putc(char c)
{
    if (!shared_lock) {
        uart_out(c);
        return;
    }
    line[line_len++] = c;
    if (c == '\n' || line_len == LINE_MAX) emit_line();
}

void console_write_raw(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}

void console_set_prefix(const char *prefix)
{
    line_prefix = prefix;
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (at_line_start && line_prefix)
            for (const char *p = line_prefix; *p; p++)
                console_putc(*p);
        console_putc(s[i]);
        at_line_start = s[i] == '\n';
    }
    if (console_tap && !tap_busy) {
        tap_busy = 1;
        console_tap(s, n);
        tap_busy = 0;
    }
}

void console_set_tap(void (*tap)(const char *s, size_t n))
{
    console_tap = tap;
}

int kvprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    size_t len = n < (int)sizeof buf ? (size_t)n : sizeof buf - 1;
    console_write(buf, len);
    return n;
}
