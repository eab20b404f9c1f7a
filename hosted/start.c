/*
 * hosted/start.c — a Porto app as a Linux process, read top to bottom like the bare machine's
 * runtime/start.c: Porto words and argv, clock, output (stdout/stderr as the console), exit
 * path and fault reports, the job (formation over a socket, the engine), then the app. The
 * app's own main() is renamed porto_main when the hosted build links it (hosted/hosted.mk), so
 * the app's source is the same for both runtimes.
 */
#include "hosted/host.h"

#include <stdlib.h>

int porto_main(int argc, char **argv);

int main(int argc, char **argv)
{
    host_args_init(argc, argv);
    host_clock_init();
    host_output_init();
    host_exit_init();
    host_job_start();
    exit(porto_main(host_app_argc(), host_app_argv()));
}
