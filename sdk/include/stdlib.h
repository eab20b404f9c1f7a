/*
 * stdlib.h (Porto SDK) — newlib's <stdlib.h> plus what POSIX says it also defines and newlib
 * leaves to <sys/wait.h>: the WEXITSTATUS family, which programs use on system()'s result.
 * Installed ahead of newlib's headers for programs built with porto-cc.
 */
#include_next <stdlib.h>
#include <sys/wait.h>
