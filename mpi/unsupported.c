/*
 * mpi/unsupported.c — calls that common MPI programs link but libmpi does not provide yet:
 * one-sided windows, MPI-IO files, distributed graph topologies. Each prints what was asked
 * for and returns MPI_ERR_UNSUPPORTED_OPERATION through the error handler (never a silent
 * success).
 */
#include <stdio.h>

#include "mpi/mpi_impl.h"

static int unsupported(MPI_Comm comm, const char *fn, const char *what)
{
    /* Said even when the error handler returns: a program that ignores the code still
     * leaves a trace of why its results are missing. */
    fprintf(stderr, "libmpi: %s: %s are not supported\n", fn, what);
    return mpi_err(comm, MPI_ERR_UNSUPPORTED_OPERATION,
                   "%s: %s are not supported by Porto's libmpi", fn, what);
}
#define WIN(fn)    return unsupported(MPI_COMM_WORLD, "MPI_" #fn, "one-sided windows (MPI_Win_*)")
#define FILEOP(fn) return unsupported(MPI_COMM_WORLD, "MPI_" #fn, "MPI-IO files (MPI_File_*)")
#define DGRAPH(c, fn)                                                                              \
    return unsupported(c, "MPI_" #fn, "distributed graph topologies (MPI_Dist_graph_*)")

int PMPI_Win_create(void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm,
                    MPI_Win *win)
{
    (void)base, (void)size, (void)disp_unit, (void)info;
    if (win) *win = MPI_WIN_NULL;
    return unsupported(comm, "MPI_Win_create", "one-sided windows (MPI_Win_*)");
}
MPI_ALIAS(Win_create)
int PMPI_Win_allocate(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr,
                      MPI_Win *win)
{
    (void)size, (void)disp_unit, (void)info, (void)baseptr;
    if (win) *win = MPI_WIN_NULL;
    return unsupported(comm, "MPI_Win_allocate", "one-sided windows (MPI_Win_*)");
}
MPI_ALIAS(Win_allocate)
int PMPI_Win_create_dynamic(MPI_Info info, MPI_Comm comm, MPI_Win *win)
{
    (void)info;
    if (win) *win = MPI_WIN_NULL;
    return unsupported(comm, "MPI_Win_create_dynamic", "one-sided windows (MPI_Win_*)");
}
MPI_ALIAS(Win_create_dynamic)
int PMPI_Win_attach(MPI_Win win, void *base, MPI_Aint size)
{
    (void)win, (void)base, (void)size;
    WIN(Win_attach);
}
MPI_ALIAS(Win_attach)
int PMPI_Win_detach(MPI_Win win, const void *base)
{
    (void)win, (void)base;
    WIN(Win_detach);
}
MPI_ALIAS(Win_detach)
int PMPI_Win_free(MPI_Win *win)
{
    (void)win;
    WIN(Win_free);
}
MPI_ALIAS(Win_free)
int PMPI_Win_fence(int assert, MPI_Win win)
{
    (void)assert, (void)win;
    WIN(Win_fence);
}
MPI_ALIAS(Win_fence)
int PMPI_Win_lock(int lock_type, int rank, int assert, MPI_Win win)
{
    (void)lock_type, (void)rank, (void)assert, (void)win;
    WIN(Win_lock);
}
MPI_ALIAS(Win_lock)
int PMPI_Win_unlock(int rank, MPI_Win win)
{
    (void)rank, (void)win;
    WIN(Win_unlock);
}
MPI_ALIAS(Win_unlock)
int PMPI_Win_flush(int rank, MPI_Win win)
{
    (void)rank, (void)win;
    WIN(Win_flush);
}
MPI_ALIAS(Win_flush)
int PMPI_Win_post(MPI_Group group, int assert, MPI_Win win)
{
    (void)group, (void)assert, (void)win;
    WIN(Win_post);
}
MPI_ALIAS(Win_post)
int PMPI_Win_start(MPI_Group group, int assert, MPI_Win win)
{
    (void)group, (void)assert, (void)win;
    WIN(Win_start);
}
MPI_ALIAS(Win_start)
int PMPI_Win_complete(MPI_Win win)
{
    (void)win;
    WIN(Win_complete);
}
MPI_ALIAS(Win_complete)
int PMPI_Win_wait(MPI_Win win)
{
    (void)win;
    WIN(Win_wait);
}
MPI_ALIAS(Win_wait)
int PMPI_Put(const void *origin, int origin_count, MPI_Datatype origin_type, int target_rank,
             MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win)
{
    (void)origin, (void)origin_count, (void)origin_type, (void)target_rank, (void)target_disp,
        (void)target_count, (void)target_type, (void)win;
    WIN(Put);
}
MPI_ALIAS(Put)
int PMPI_Get(void *origin, int origin_count, MPI_Datatype origin_type, int target_rank,
             MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win)
{
    (void)origin, (void)origin_count, (void)origin_type, (void)target_rank, (void)target_disp,
        (void)target_count, (void)target_type, (void)win;
    WIN(Get);
}
MPI_ALIAS(Get)
int PMPI_Accumulate(const void *origin, int origin_count, MPI_Datatype origin_type, int target_rank,
                    MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Op op,
                    MPI_Win win)
{
    (void)origin, (void)origin_count, (void)origin_type, (void)target_rank, (void)target_disp,
        (void)target_count, (void)target_type, (void)op, (void)win;
    WIN(Accumulate);
}
MPI_ALIAS(Accumulate)

int PMPI_File_open(MPI_Comm comm, const char *filename, int amode, MPI_Info info, MPI_File *fh)
{
    (void)filename, (void)amode, (void)info;
    if (fh) *fh = MPI_FILE_NULL;
    return unsupported(comm, "MPI_File_open", "MPI-IO files (MPI_File_*)");
}
MPI_ALIAS(File_open)
int PMPI_File_close(MPI_File *fh)
{
    (void)fh;
    FILEOP(File_close);
}
MPI_ALIAS(File_close)
int PMPI_File_read(MPI_File fh, void *buf, int count, MPI_Datatype type, MPI_Status *status)
{
    (void)fh, (void)buf, (void)count, (void)type, (void)status;
    FILEOP(File_read);
}
MPI_ALIAS(File_read)
int PMPI_File_write(MPI_File fh, const void *buf, int count, MPI_Datatype type, MPI_Status *status)
{
    (void)fh, (void)buf, (void)count, (void)type, (void)status;
    FILEOP(File_write);
}
MPI_ALIAS(File_write)

int PMPI_Dist_graph_create(MPI_Comm comm, int n, const int *sources, const int *degrees,
                           const int *destinations, const int *weights, MPI_Info info, int reorder,
                           MPI_Comm *newcomm)
{
    (void)n, (void)sources, (void)degrees, (void)destinations, (void)weights, (void)info,
        (void)reorder;
    if (newcomm) *newcomm = MPI_COMM_NULL;
    DGRAPH(comm, Dist_graph_create);
}
MPI_ALIAS(Dist_graph_create)
int PMPI_Dist_graph_create_adjacent(MPI_Comm comm, int indegree, const int *sources,
                                    const int *sourceweights, int outdegree,
                                    const int *destinations, const int *destweights, MPI_Info info,
                                    int reorder, MPI_Comm *newcomm)
{
    (void)indegree, (void)sources, (void)sourceweights, (void)outdegree, (void)destinations,
        (void)destweights, (void)info, (void)reorder;
    if (newcomm) *newcomm = MPI_COMM_NULL;
    DGRAPH(comm, Dist_graph_create_adjacent);
}
MPI_ALIAS(Dist_graph_create_adjacent)
int PMPI_Dist_graph_neighbors_count(MPI_Comm comm, int *indegree, int *outdegree, int *weighted)
{
    (void)indegree, (void)outdegree, (void)weighted;
    DGRAPH(comm, Dist_graph_neighbors_count);
}
MPI_ALIAS(Dist_graph_neighbors_count)
int PMPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int *sources, int *sourceweights,
                              int maxoutdegree, int *destinations, int *destweights)
{
    (void)maxindegree, (void)sources, (void)sourceweights, (void)maxoutdegree, (void)destinations,
        (void)destweights;
    DGRAPH(comm, Dist_graph_neighbors);
}
MPI_ALIAS(Dist_graph_neighbors)
