/*
 * mpi.h — the MPI C binding of Porto's libmpi (mpi/): MPI_VERSION 3.1 names, integer handles,
 * the predefined datatypes, operations and error classes, and PMPI_ names for every function
 * (PMPI_X is the function, MPI_X a second name for it: a profiler may define MPI_X itself and
 * call PMPI_X). What libmpi does and does not do: docs/mpi.md.
 */
#ifndef PORTO_MPI_H
#define PORTO_MPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPI_VERSION    3
#define MPI_SUBVERSION 1

typedef int MPI_Comm;
typedef int MPI_Datatype;
typedef int MPI_Op;
typedef int MPI_Request;
typedef int MPI_Group;
typedef int MPI_Errhandler;
typedef int MPI_Info;
typedef int MPI_Win;
typedef int MPI_File;
typedef int MPI_Message;
typedef int MPI_Fint;
typedef intptr_t MPI_Aint;
typedef long long MPI_Offset;
typedef long long MPI_Count;

typedef struct MPI_Status {
    int MPI_SOURCE;
    int MPI_TAG;
    int MPI_ERROR;
    int mpi_cancelled_;   /* private */
    long long mpi_bytes_; /* private: bytes received */
} MPI_Status;

/* Handles. */
#define MPI_COMM_NULL        ((MPI_Comm)0)
#define MPI_COMM_WORLD       ((MPI_Comm)1)
#define MPI_COMM_SELF        ((MPI_Comm)2)
#define MPI_GROUP_NULL       ((MPI_Group)0)
#define MPI_GROUP_EMPTY      ((MPI_Group)1)
#define MPI_REQUEST_NULL     ((MPI_Request)0)
#define MPI_OP_NULL          ((MPI_Op)0)
#define MPI_DATATYPE_NULL    ((MPI_Datatype)0)
#define MPI_INFO_NULL        ((MPI_Info)0)
#define MPI_INFO_ENV         ((MPI_Info)1)
#define MPI_WIN_NULL         ((MPI_Win)0)
#define MPI_FILE_NULL        ((MPI_File)0)
#define MPI_MESSAGE_NULL     ((MPI_Message)0)
#define MPI_ERRHANDLER_NULL  ((MPI_Errhandler)0)
#define MPI_ERRORS_ARE_FATAL ((MPI_Errhandler)1)
#define MPI_ERRORS_RETURN    ((MPI_Errhandler)2)

/* Predefined datatypes (handles 1..MPI_DT_PREDEFINED_). */
#define MPI_CHAR               ((MPI_Datatype)1)
#define MPI_SIGNED_CHAR        ((MPI_Datatype)2)
#define MPI_UNSIGNED_CHAR      ((MPI_Datatype)3)
#define MPI_SHORT              ((MPI_Datatype)4)
#define MPI_UNSIGNED_SHORT     ((MPI_Datatype)5)
#define MPI_INT                ((MPI_Datatype)6)
#define MPI_UNSIGNED           ((MPI_Datatype)7)
#define MPI_LONG               ((MPI_Datatype)8)
#define MPI_UNSIGNED_LONG      ((MPI_Datatype)9)
#define MPI_LONG_LONG          ((MPI_Datatype)10)
#define MPI_LONG_LONG_INT      MPI_LONG_LONG
#define MPI_UNSIGNED_LONG_LONG ((MPI_Datatype)11)
#define MPI_FLOAT              ((MPI_Datatype)12)
#define MPI_DOUBLE             ((MPI_Datatype)13)
#define MPI_LONG_DOUBLE        ((MPI_Datatype)14)
#define MPI_C_BOOL             ((MPI_Datatype)15)
#define MPI_INT8_T             ((MPI_Datatype)16)
#define MPI_INT16_T            ((MPI_Datatype)17)
#define MPI_INT32_T            ((MPI_Datatype)18)
#define MPI_INT64_T            ((MPI_Datatype)19)
#define MPI_UINT8_T            ((MPI_Datatype)20)
#define MPI_UINT16_T           ((MPI_Datatype)21)
#define MPI_UINT32_T           ((MPI_Datatype)22)
#define MPI_UINT64_T           ((MPI_Datatype)23)
#define MPI_BYTE               ((MPI_Datatype)24)
#define MPI_PACKED             ((MPI_Datatype)25)
#define MPI_AINT               ((MPI_Datatype)26)
#define MPI_OFFSET             ((MPI_Datatype)27)
#define MPI_COUNT              ((MPI_Datatype)28)
#define MPI_WCHAR              ((MPI_Datatype)29)
#define MPI_DOUBLE_INT         ((MPI_Datatype)30)
#define MPI_FLOAT_INT          ((MPI_Datatype)31)
#define MPI_LONG_INT           ((MPI_Datatype)32)
#define MPI_2INT               ((MPI_Datatype)33)
#define MPI_SHORT_INT          ((MPI_Datatype)34)
#define MPI_LONG_DOUBLE_INT    ((MPI_Datatype)35)
#define MPI_UB                 ((MPI_Datatype)36) /* deprecated markers, accepted by name only */
#define MPI_LB                 ((MPI_Datatype)37)
#define MPI_DT_PREDEFINED_     37

/* Operations. */
#define MPI_MAX     ((MPI_Op)1)
#define MPI_MIN     ((MPI_Op)2)
#define MPI_SUM     ((MPI_Op)3)
#define MPI_PROD    ((MPI_Op)4)
#define MPI_LAND    ((MPI_Op)5)
#define MPI_BAND    ((MPI_Op)6)
#define MPI_LOR     ((MPI_Op)7)
#define MPI_BOR     ((MPI_Op)8)
#define MPI_LXOR    ((MPI_Op)9)
#define MPI_BXOR    ((MPI_Op)10)
#define MPI_MINLOC  ((MPI_Op)11)
#define MPI_MAXLOC  ((MPI_Op)12)
#define MPI_REPLACE ((MPI_Op)13)
#define MPI_NO_OP   ((MPI_Op)14)

/* Special values. */
#define MPI_IN_PLACE                   ((void *)-1)
#define MPI_BOTTOM                     ((void *)0)
#define MPI_ANY_SOURCE                 (-1)
#define MPI_ANY_TAG                    (-1)
#define MPI_PROC_NULL                  (-2)
#define MPI_ROOT                       (-3)
#define MPI_UNDEFINED                  (-32766)
#define MPI_STATUS_IGNORE              ((MPI_Status *)1)
#define MPI_STATUSES_IGNORE            ((MPI_Status *)1)
#define MPI_ERRCODES_IGNORE            ((int *)0)
#define MPI_ARGV_NULL                  ((char **)0)
#define MPI_ARGVS_NULL                 ((char ***)0)
#define MPI_MAX_PROCESSOR_NAME         128
#define MPI_MAX_ERROR_STRING           256
#define MPI_MAX_OBJECT_NAME            64
#define MPI_MAX_INFO_KEY               255
#define MPI_MAX_INFO_VAL               1024
#define MPI_MAX_LIBRARY_VERSION_STRING 256
#define MPI_BSEND_OVERHEAD             64
#define MPI_KEYVAL_INVALID             (-1)

/* Thread levels. */
#define MPI_THREAD_SINGLE     0
#define MPI_THREAD_FUNNELED   1
#define MPI_THREAD_SERIALIZED 2
#define MPI_THREAD_MULTIPLE   3

/* Comparison results, topology kinds, combiners. */
#define MPI_IDENT      0
#define MPI_CONGRUENT  1
#define MPI_SIMILAR    2
#define MPI_UNEQUAL    3
#define MPI_GRAPH      1
#define MPI_CART       2
#define MPI_DIST_GRAPH 3

/* Attribute keys of MPI_Comm_get_attr. */
#define MPI_TAG_UB          1
#define MPI_HOST            2
#define MPI_IO              3
#define MPI_WTIME_IS_GLOBAL 4
#define MPI_APPNUM          5
#define MPI_UNIVERSE_SIZE   6

/* Error classes (also the error codes libmpi returns). */
#define MPI_SUCCESS                   0
#define MPI_ERR_BUFFER                1
#define MPI_ERR_COUNT                 2
#define MPI_ERR_TYPE                  3
#define MPI_ERR_TAG                   4
#define MPI_ERR_COMM                  5
#define MPI_ERR_RANK                  6
#define MPI_ERR_REQUEST               7
#define MPI_ERR_ROOT                  8
#define MPI_ERR_GROUP                 9
#define MPI_ERR_OP                    10
#define MPI_ERR_TOPOLOGY              11
#define MPI_ERR_DIMS                  12
#define MPI_ERR_ARG                   13
#define MPI_ERR_UNKNOWN               14
#define MPI_ERR_TRUNCATE              15
#define MPI_ERR_OTHER                 16
#define MPI_ERR_INTERN                17
#define MPI_ERR_IN_STATUS             18
#define MPI_ERR_PENDING               19
#define MPI_ERR_NO_MEM                20
#define MPI_ERR_UNSUPPORTED_OPERATION 21
#define MPI_ERR_INFO                  22
#define MPI_ERR_WIN                   23
#define MPI_ERR_FILE                  24
#define MPI_ERR_KEYVAL                25
#define MPI_ERR_LASTCODE              25

typedef void(MPI_User_function)(void *invec, void *inoutvec, int *len, MPI_Datatype *datatype);
typedef void(MPI_Comm_errhandler_function)(MPI_Comm *comm, int *code, ...);

/* Each function exists as PMPI_name (the implementation) and MPI_name (the same code). */
#define MPI_DECL_(ret, name, params)                                                               \
    ret MPI_##name params;                                                                         \
    ret PMPI_##name params;

/* Environment. */
MPI_DECL_(int, Init, (int *argc, char ***argv))
MPI_DECL_(int, Init_thread, (int *argc, char ***argv, int required, int *provided))
MPI_DECL_(int, Initialized, (int *flag))
MPI_DECL_(int, Finalize, (void))
MPI_DECL_(int, Finalized, (int *flag))
MPI_DECL_(int, Query_thread, (int *provided))
MPI_DECL_(int, Is_thread_main, (int *flag))
MPI_DECL_(int, Abort, (MPI_Comm comm, int errorcode))
MPI_DECL_(double, Wtime, (void))
MPI_DECL_(double, Wtick, (void))
MPI_DECL_(int, Get_processor_name, (char *name, int *resultlen))
MPI_DECL_(int, Get_version, (int *version, int *subversion))
MPI_DECL_(int, Get_library_version, (char *version, int *resultlen))
MPI_DECL_(int, Error_string, (int errorcode, char *string, int *resultlen))
MPI_DECL_(int, Error_class, (int errorcode, int *errorclass))
MPI_DECL_(int, Comm_set_errhandler, (MPI_Comm comm, MPI_Errhandler errhandler))
MPI_DECL_(int, Comm_get_errhandler, (MPI_Comm comm, MPI_Errhandler *errhandler))
MPI_DECL_(int, Comm_create_errhandler,
          (MPI_Comm_errhandler_function * fn, MPI_Errhandler *errhandler))
MPI_DECL_(int, Comm_call_errhandler, (MPI_Comm comm, int errorcode))
MPI_DECL_(int, Errhandler_free, (MPI_Errhandler * errhandler))
MPI_DECL_(int, Alloc_mem, (MPI_Aint size, MPI_Info info, void *baseptr))
MPI_DECL_(int, Free_mem, (void *base))
MPI_DECL_(int, Comm_get_attr, (MPI_Comm comm, int keyval, void *value, int *flag))
MPI_DECL_(int, Info_create, (MPI_Info * info))
MPI_DECL_(int, Info_set, (MPI_Info info, const char *key, const char *value))
MPI_DECL_(int, Info_free, (MPI_Info * info))

/* Point to point. */
MPI_DECL_(int, Send,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm))
MPI_DECL_(int, Ssend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm))
MPI_DECL_(int, Rsend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm))
MPI_DECL_(int, Bsend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm))
MPI_DECL_(int, Recv,
          (void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
           MPI_Status *status))
MPI_DECL_(int, Isend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Issend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Irsend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Ibsend,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Irecv,
          (void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Send_init,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Ssend_init,
          (const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Recv_init,
          (void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
           MPI_Request *request))
MPI_DECL_(int, Start, (MPI_Request * request))
MPI_DECL_(int, Startall, (int count, MPI_Request *requests))
MPI_DECL_(int, Sendrecv,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
           void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
           MPI_Comm comm, MPI_Status *status))
MPI_DECL_(int, Sendrecv_replace,
          (void *buf, int count, MPI_Datatype type, int dest, int sendtag, int source, int recvtag,
           MPI_Comm comm, MPI_Status *status))
MPI_DECL_(int, Buffer_attach, (void *buffer, int size))
MPI_DECL_(int, Buffer_detach, (void *buffer_addr, int *size))
MPI_DECL_(int, Wait, (MPI_Request * request, MPI_Status *status))
MPI_DECL_(int, Waitall, (int count, MPI_Request *requests, MPI_Status *statuses))
MPI_DECL_(int, Waitany, (int count, MPI_Request *requests, int *index, MPI_Status *status))
MPI_DECL_(int, Waitsome,
          (int incount, MPI_Request *requests, int *outcount, int *indices, MPI_Status *statuses))
MPI_DECL_(int, Test, (MPI_Request * request, int *flag, MPI_Status *status))
MPI_DECL_(int, Testall, (int count, MPI_Request *requests, int *flag, MPI_Status *statuses))
MPI_DECL_(int, Testany,
          (int count, MPI_Request *requests, int *index, int *flag, MPI_Status *status))
MPI_DECL_(int, Testsome,
          (int incount, MPI_Request *requests, int *outcount, int *indices, MPI_Status *statuses))
MPI_DECL_(int, Request_free, (MPI_Request * request))
MPI_DECL_(int, Request_get_status, (MPI_Request request, int *flag, MPI_Status *status))
MPI_DECL_(int, Cancel, (MPI_Request * request))
MPI_DECL_(int, Test_cancelled, (const MPI_Status *status, int *flag))
MPI_DECL_(int, Probe, (int source, int tag, MPI_Comm comm, MPI_Status *status))
MPI_DECL_(int, Iprobe, (int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status))
MPI_DECL_(int, Get_count, (const MPI_Status *status, MPI_Datatype type, int *count))
MPI_DECL_(int, Get_elements, (const MPI_Status *status, MPI_Datatype type, int *count))

/* Collectives. */
MPI_DECL_(int, Barrier, (MPI_Comm comm))
MPI_DECL_(int, Ibarrier, (MPI_Comm comm, MPI_Request *request))
MPI_DECL_(int, Bcast, (void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm))
MPI_DECL_(int, Reduce,
          (const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op, int root,
           MPI_Comm comm))
MPI_DECL_(int, Allreduce,
          (const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
           MPI_Comm comm))
MPI_DECL_(int, Reduce_local,
          (const void *inbuf, void *inoutbuf, int count, MPI_Datatype type, MPI_Op op))
MPI_DECL_(int, Gather,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
           MPI_Datatype recvtype, int root, MPI_Comm comm))
MPI_DECL_(int, Gatherv,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
           const int *recvcounts, const int *displs, MPI_Datatype recvtype, int root,
           MPI_Comm comm))
MPI_DECL_(int, Scatter,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
           MPI_Datatype recvtype, int root, MPI_Comm comm))
MPI_DECL_(int, Scatterv,
          (const void *sendbuf, const int *sendcounts, const int *displs, MPI_Datatype sendtype,
           void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm))
MPI_DECL_(int, Allgather,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
           MPI_Datatype recvtype, MPI_Comm comm))
MPI_DECL_(int, Allgatherv,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
           const int *recvcounts, const int *displs, MPI_Datatype recvtype, MPI_Comm comm))
MPI_DECL_(int, Alltoall,
          (const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
           MPI_Datatype recvtype, MPI_Comm comm))
MPI_DECL_(int, Alltoallv,
          (const void *sendbuf, const int *sendcounts, const int *sdispls, MPI_Datatype sendtype,
           void *recvbuf, const int *recvcounts, const int *rdispls, MPI_Datatype recvtype,
           MPI_Comm comm))
MPI_DECL_(int, Reduce_scatter,
          (const void *sendbuf, void *recvbuf, const int *recvcounts, MPI_Datatype type, MPI_Op op,
           MPI_Comm comm))
MPI_DECL_(int, Reduce_scatter_block,
          (const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype type, MPI_Op op,
           MPI_Comm comm))
MPI_DECL_(int, Scan,
          (const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
           MPI_Comm comm))
MPI_DECL_(int, Exscan,
          (const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
           MPI_Comm comm))
MPI_DECL_(int, Op_create, (MPI_User_function * fn, int commute, MPI_Op *op))
MPI_DECL_(int, Op_free, (MPI_Op * op))
MPI_DECL_(int, Op_commutative, (MPI_Op op, int *commute))

/* Communicators and groups. */
MPI_DECL_(int, Comm_rank, (MPI_Comm comm, int *rank))
MPI_DECL_(int, Comm_size, (MPI_Comm comm, int *size))
MPI_DECL_(int, Comm_dup, (MPI_Comm comm, MPI_Comm *newcomm))
MPI_DECL_(int, Comm_split, (MPI_Comm comm, int color, int key, MPI_Comm *newcomm))
MPI_DECL_(int, Comm_create, (MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm))
MPI_DECL_(int, Comm_free, (MPI_Comm * comm))
MPI_DECL_(int, Comm_compare, (MPI_Comm comm1, MPI_Comm comm2, int *result))
MPI_DECL_(int, Comm_group, (MPI_Comm comm, MPI_Group *group))
MPI_DECL_(int, Comm_test_inter, (MPI_Comm comm, int *flag))
MPI_DECL_(int, Comm_set_name, (MPI_Comm comm, const char *name))
MPI_DECL_(int, Comm_get_name, (MPI_Comm comm, char *name, int *resultlen))
MPI_DECL_(int, Group_size, (MPI_Group group, int *size))
MPI_DECL_(int, Group_rank, (MPI_Group group, int *rank))
MPI_DECL_(int, Group_incl, (MPI_Group group, int n, const int *ranks, MPI_Group *newgroup))
MPI_DECL_(int, Group_excl, (MPI_Group group, int n, const int *ranks, MPI_Group *newgroup))
MPI_DECL_(int, Group_translate_ranks,
          (MPI_Group group1, int n, const int *ranks1, MPI_Group group2, int *ranks2))
MPI_DECL_(int, Group_compare, (MPI_Group group1, MPI_Group group2, int *result))
MPI_DECL_(int, Group_free, (MPI_Group * group))

/* Cartesian topologies. */
MPI_DECL_(int, Cart_create,
          (MPI_Comm comm, int ndims, const int *dims, const int *periods, int reorder,
           MPI_Comm *newcomm))
MPI_DECL_(int, Cart_coords, (MPI_Comm comm, int rank, int maxdims, int *coords))
MPI_DECL_(int, Cart_rank, (MPI_Comm comm, const int *coords, int *rank))
MPI_DECL_(int, Cart_shift, (MPI_Comm comm, int direction, int disp, int *source, int *dest))
MPI_DECL_(int, Cart_get, (MPI_Comm comm, int maxdims, int *dims, int *periods, int *coords))
MPI_DECL_(int, Cartdim_get, (MPI_Comm comm, int *ndims))
MPI_DECL_(int, Topo_test, (MPI_Comm comm, int *status))
MPI_DECL_(int, Dims_create, (int nnodes, int ndims, int *dims))

/* Datatypes. */
MPI_DECL_(int, Type_contiguous, (int count, MPI_Datatype oldtype, MPI_Datatype *newtype))
MPI_DECL_(int, Type_vector,
          (int count, int blocklength, int stride, MPI_Datatype oldtype, MPI_Datatype *newtype))
MPI_DECL_(int, Type_create_hvector,
          (int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
           MPI_Datatype *newtype))
MPI_DECL_(int, Type_indexed,
          (int count, const int *blocklengths, const int *displs, MPI_Datatype oldtype,
           MPI_Datatype *newtype))
MPI_DECL_(int, Type_create_hindexed,
          (int count, const int *blocklengths, const MPI_Aint *displs, MPI_Datatype oldtype,
           MPI_Datatype *newtype))
MPI_DECL_(int, Type_create_indexed_block,
          (int count, int blocklength, const int *displs, MPI_Datatype oldtype,
           MPI_Datatype *newtype))
MPI_DECL_(int, Type_create_struct,
          (int count, const int *blocklengths, const MPI_Aint *displs, const MPI_Datatype *types,
           MPI_Datatype *newtype))
MPI_DECL_(int, Type_create_resized,
          (MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent, MPI_Datatype *newtype))
MPI_DECL_(int, Type_dup, (MPI_Datatype oldtype, MPI_Datatype *newtype))
MPI_DECL_(int, Type_commit, (MPI_Datatype * type))
MPI_DECL_(int, Type_free, (MPI_Datatype * type))
MPI_DECL_(int, Type_size, (MPI_Datatype type, int *size))
MPI_DECL_(int, Type_size_x, (MPI_Datatype type, MPI_Count *size))
MPI_DECL_(int, Type_get_extent, (MPI_Datatype type, MPI_Aint *lb, MPI_Aint *extent))
MPI_DECL_(int, Type_get_true_extent, (MPI_Datatype type, MPI_Aint *lb, MPI_Aint *extent))
MPI_DECL_(int, Type_get_name, (MPI_Datatype type, char *name, int *resultlen))
MPI_DECL_(int, Type_set_name, (MPI_Datatype type, const char *name))
MPI_DECL_(int, Get_address, (const void *location, MPI_Aint *address))
MPI_DECL_(int, Pack,
          (const void *inbuf, int incount, MPI_Datatype type, void *outbuf, int outsize,
           int *position, MPI_Comm comm))
MPI_DECL_(int, Unpack,
          (const void *inbuf, int insize, int *position, void *outbuf, int outcount,
           MPI_Datatype type, MPI_Comm comm))
MPI_DECL_(int, Pack_size, (int incount, MPI_Datatype type, MPI_Comm comm, int *size))

/* Linked but not provided (MPI_ERR_UNSUPPORTED_OPERATION with a message on stderr). */
MPI_DECL_(int, Win_create,
          (void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, MPI_Win *win))
MPI_DECL_(int, Win_allocate,
          (MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr, MPI_Win *win))
MPI_DECL_(int, Win_create_dynamic, (MPI_Info info, MPI_Comm comm, MPI_Win *win))
MPI_DECL_(int, Win_attach, (MPI_Win win, void *base, MPI_Aint size))
MPI_DECL_(int, Win_detach, (MPI_Win win, const void *base))
MPI_DECL_(int, Win_free, (MPI_Win * win))
MPI_DECL_(int, Win_fence, (int assert, MPI_Win win))
MPI_DECL_(int, Win_lock, (int lock_type, int rank, int assert, MPI_Win win))
MPI_DECL_(int, Win_unlock, (int rank, MPI_Win win))
MPI_DECL_(int, Win_flush, (int rank, MPI_Win win))
MPI_DECL_(int, Win_post, (MPI_Group group, int assert, MPI_Win win))
MPI_DECL_(int, Win_start, (MPI_Group group, int assert, MPI_Win win))
MPI_DECL_(int, Win_complete, (MPI_Win win))
MPI_DECL_(int, Win_wait, (MPI_Win win))
MPI_DECL_(int, Put,
          (const void *origin, int origin_count, MPI_Datatype origin_type, int target_rank,
           MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win))
MPI_DECL_(int, Get,
          (void *origin, int origin_count, MPI_Datatype origin_type, int target_rank,
           MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Win win))
MPI_DECL_(int, Accumulate,
          (const void *origin, int origin_count, MPI_Datatype origin_type, int target_rank,
           MPI_Aint target_disp, int target_count, MPI_Datatype target_type, MPI_Op op,
           MPI_Win win))
MPI_DECL_(int, File_open,
          (MPI_Comm comm, const char *filename, int amode, MPI_Info info, MPI_File *fh))
MPI_DECL_(int, File_close, (MPI_File * fh))
MPI_DECL_(int, File_read,
          (MPI_File fh, void *buf, int count, MPI_Datatype type, MPI_Status *status))
MPI_DECL_(int, File_write,
          (MPI_File fh, const void *buf, int count, MPI_Datatype type, MPI_Status *status))
MPI_DECL_(int, Dist_graph_create,
          (MPI_Comm comm, int n, const int *sources, const int *degrees, const int *destinations,
           const int *weights, MPI_Info info, int reorder, MPI_Comm *newcomm))
MPI_DECL_(int, Dist_graph_create_adjacent,
          (MPI_Comm comm, int indegree, const int *sources, const int *sourceweights, int outdegree,
           const int *destinations, const int *destweights, MPI_Info info, int reorder,
           MPI_Comm *newcomm))
MPI_DECL_(int, Dist_graph_neighbors_count,
          (MPI_Comm comm, int *indegree, int *outdegree, int *weighted))
MPI_DECL_(int, Dist_graph_neighbors,
          (MPI_Comm comm, int maxindegree, int *sources, int *sourceweights, int maxoutdegree,
           int *destinations, int *destweights))

#define MPI_WEIGHTS_EMPTY  ((int *)1)
#define MPI_UNWEIGHTED     ((int *)2)
#define MPI_LOCK_EXCLUSIVE 1
#define MPI_LOCK_SHARED    2
#define MPI_MODE_RDONLY    2
#define MPI_MODE_RDWR      8
#define MPI_MODE_WRONLY    4
#define MPI_MODE_CREATE    1

#undef MPI_DECL_

#ifdef __cplusplus
}
#endif
#endif
