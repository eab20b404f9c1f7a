/*
 * libc/pthread.c — include/pthread.h for one thread. A mutex word holds its lock count
 * (newlib's initializer 0xffffffff reads as "unlocked") and, in the top bit, whether it is
 * recursive. Locking a mutex already held can only deadlock here, so it says EDEADLK.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define MUTEX_RECURSIVE 0x80000000u
#define MUTEX_COUNT     0x7fffffffu
#define UNSET           0xffffffffu /* newlib's static initializers */

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    (void)thread, (void)attr, (void)start, (void)arg;
    return EAGAIN; /* the program runs on one CPU with one stack */
}

int pthread_join(pthread_t thread, void **result)
{
    (void)result;
    return thread == pthread_self() ? EDEADLK : ESRCH;
}

int pthread_detach(pthread_t thread)
{
    return thread == pthread_self() ? 0 : ESRCH;
}
pthread_t pthread_self(void)
{
    return 1;
}
int pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}
int pthread_yield(void)
{
    return 0;
}

void pthread_exit(void *result)
{
    (void)result;
    exit(0); /* the last thread ended: the process ends with status 0 */
}

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    if (!once || !fn) return EINVAL;
    if (!once->init_executed) {
        once->init_executed = 1;
        fn();
    }
    return 0;
}

int pthread_attr_init(pthread_attr_t *attr)
{
    *attr = (pthread_attr_t){.is_initialized = 1, .detachstate = PTHREAD_CREATE_JOINABLE};
    return 0;
}
int pthread_attr_destroy(pthread_attr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
    attr->detachstate = state;
    return 0;
}
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
    *state = attr->detachstate;
    return 0;
}
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
    if (size < PTHREAD_STACK_MIN || size > 0x7fffffff) return EINVAL;
    attr->stacksize = (int)size;
    return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
    *size = (size_t)attr->stacksize;
    return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
    *attr = (pthread_mutexattr_t){.is_initialized = 1};
    return 0;
}
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
    if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT) return EINVAL;
    attr->recursive = type == PTHREAD_MUTEX_RECURSIVE;
    return 0;
}
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
    *type = attr->recursive ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_DEFAULT;
    return 0;
}
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
    (void)attr;
    return pshared == PTHREAD_PROCESS_PRIVATE || pshared == PTHREAD_PROCESS_SHARED ? 0 : EINVAL;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    *m = attr && attr->recursive ? MUTEX_RECURSIVE : 0;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    if (*m != UNSET && (*m & MUTEX_COUNT)) return EBUSY;
    *m = UNSET;
    return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (*m == UNSET) *m = 0;
    if ((*m & MUTEX_COUNT) && !(*m & MUTEX_RECURSIVE)) return EBUSY;
    if ((*m & MUTEX_COUNT) == MUTEX_COUNT) return EAGAIN;
    (*m)++;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    int r = pthread_mutex_trylock(m);
    return r == EBUSY ? EDEADLK : r; /* the only holder is this thread: waiting never ends */
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (*m == UNSET || !(*m & MUTEX_COUNT)) return EPERM;
    (*m)--;
    return 0;
}

int pthread_condattr_init(pthread_condattr_t *attr)
{
    attr->is_initialized = 1;
    return 0;
}
int pthread_condattr_destroy(pthread_condattr_t *attr)
{
    attr->is_initialized = 0;
    return 0;
}
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    (void)attr;
    *c = 0;
    return 0;
}
int pthread_cond_destroy(pthread_cond_t *c)
{
    *c = UNSET;
    return 0;
}
int pthread_cond_signal(pthread_cond_t *c)
{
    (void)c;
    return 0; /* nobody waits */
}
int pthread_cond_broadcast(pthread_cond_t *c)
{
    (void)c;
    return 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    (void)c, (void)m;
    return EDEADLK; /* only another thread could signal it */
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
    (void)c, (void)m;
    if (!abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000) return EINVAL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    while (now.tv_sec < abstime->tv_sec ||
           (now.tv_sec == abstime->tv_sec && now.tv_nsec < abstime->tv_nsec))
        clock_gettime(CLOCK_REALTIME, &now);
    return ETIMEDOUT; /* no signal can come: the wait ends at its deadline */
}

static struct {
    int used;
    const void *value;
} keys[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    (void)destructor; /* runs at thread exit; the one thread's exit is the machine's */
    for (int i = 0; i < PTHREAD_KEYS_MAX; i++) {
        if (!keys[i].used) {
            keys[i].used = 1;
            keys[i].value = NULL;
            *key = (pthread_key_t)i;
            return 0;
        }
    }
    return EAGAIN;
}
int pthread_key_delete(pthread_key_t key)
{
    if (key >= PTHREAD_KEYS_MAX || !keys[key].used) return EINVAL;
    keys[key].used = 0;
    return 0;
}
void *pthread_getspecific(pthread_key_t key)
{
    return key < PTHREAD_KEYS_MAX && keys[key].used ? (void *)keys[key].value : NULL;
}
int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (key >= PTHREAD_KEYS_MAX || !keys[key].used) return EINVAL;
    keys[key].value = value;
    return 0;
}
