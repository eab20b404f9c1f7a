/*
 * bench/hosted/mpi_pingpong.c — the MPI peer of the hosted benchmark (bench/hosted/run): two
 * ranks, blocking MPI_Send/MPI_Recv ping-pong at 0 bytes and at 1 MiB, each round trip timed
 * with MPI_Wtime; rank 0 prints the half round trips' median, min and p99 as
 *   RESULT impl=mpich size=S median_us=.. min_us=.. p99_us=.. n=..
 * (the same fields as apps/pingpong's RESULT lines). Built by bench/hosted/run with mpicc into
 * build/bench/; not part of any Porto image.
 *   mpiexec -n 2 build/bench/mpi_pingpong [samples]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int measure(int rank, size_t size, int samples, int warmup, char *buf, double *half)
{
    for (int i = -warmup; i < samples; i++) {
        double t0 = MPI_Wtime();
        if (rank == 0) {
            if (MPI_Send(buf, (int)size, MPI_BYTE, 1, 1, MPI_COMM_WORLD) != MPI_SUCCESS ||
                MPI_Recv(buf, (int)size, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
                    MPI_SUCCESS)
                return -1;
            if (i >= 0) half[i] = (MPI_Wtime() - t0) / 2;
        } else {
            if (MPI_Recv(buf, (int)size, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
                    MPI_SUCCESS ||
                MPI_Send(buf, (int)size, MPI_BYTE, 0, 1, MPI_COMM_WORLD) != MPI_SUCCESS)
                return -1;
        }
    }
    if (rank == 0) {
        qsort(half, (size_t)samples, sizeof *half, cmp_double);
        printf("RESULT impl=mpich size=%zu median_us=%.2f min_us=%.2f p99_us=%.2f n=%d\n", size,
               half[samples / 2] * 1e6, half[0] * 1e6, half[samples * 99 / 100] * 1e6, samples);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int samples = argc > 1 ? atoi(argv[1]) : 1000;
    if (size != 2 || samples < 10 || samples > 1000000) {
        if (rank == 0) fprintf(stderr, "usage: mpiexec -n 2 mpi_pingpong [samples 10..1000000]\n");
        MPI_Finalize();
        return 2;
    }
    size_t big = 1u << 20;
    char *buf = malloc(big);
    double *half = malloc(sizeof *half * (size_t)samples);
    if (!buf || !half) MPI_Abort(MPI_COMM_WORLD, 1);
    memset(buf, 0x5a, big);
    int bulk = samples / 10 < 10 ? 10 : samples / 10;
    int r = measure(rank, 0, samples, samples / 10, buf, half);
    if (r == 0) r = measure(rank, big, bulk, 5, buf, half);
    free(buf);
    free(half);
    MPI_Finalize();
    return r == 0 ? 0 : 1;
}
