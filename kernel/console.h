/* kernel/console.h — COM1 serial console (16550, 115200 8N1) and the kernel's printf. */
#ifndef PORTO_CONSOLE_H
#define PORTO_CONSOLE_H
#include <stdarg.h>
#include <stddef.h>

void console_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);
/* Optional hook that also receives everything written (the job layer forwards rank output
 * to rank 0 through it). NULL to remove. */
void console_set_tap(void (*tap)(const char *s, size_t n));
/* Put `prefix` (e.g. "[0] ") at the start of every line written from now on; NULL for none. */
void console_set_prefix(const char *prefix);
/* Write to the serial port only: no prefix, no tap (the job layer prints forwarded lines). */
void console_write_raw(const char *s, size_t n);
/* Multi-core node (smp/): from now on this core writes whole lines while it holds `lock`
 * (an int every core sees at the same address, 0 when free), each line after `tag` (NULL:
 * none). */
void console_share(volatile int *lock, unsigned core, const char *tag);
/* Write out a buffered partial line (before halting). */
void console_flush(void);

/* printf subset: %d %i %u %x %X %o %c %s %p %% with flags '-' '0' ' ' '+', width,
 * precision for %s, length modifiers hh h l ll z t j. No floating point. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
#endif
