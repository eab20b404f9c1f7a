/*
 * mpi/comm.c — communicators and groups. A communicator is a list of world ranks plus a
 * context id: point-to-point traffic carries ctx, its collectives ctx + 1, so that neither can
 * match the other (ANY_TAG never sees a collective). New contexts are agreed over the parent
 * communicator (the maximum of every member's next free one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

struct mpi_comm *mpi_comm(MPI_Comm h)
{
    struct mpi_proc *p = mpi_proc();
    if (h <= 0 || h >= p->ncomms) return NULL;
    return p->comms[h];
}

int mpi_comm_new(const int *world, int size, int rank, int ctx, MPI_Errhandler eh, MPI_Comm *out)
{
    struct mpi_proc *p = mpi_proc();
    int h = 3;
    while (h < p->ncomms && p->comms[h])
        h++;
    if (h >= p->ncomms) {
        int n = p->ncomms ? p->ncomms * 2 : 16;
        struct mpi_comm **t = realloc(p->comms, (size_t)n * sizeof *t);
        if (!t) return MPI_ERR_NO_MEM;
        memset(t + p->ncomms, 0, (size_t)(n - p->ncomms) * sizeof *t);
        p->comms = t;
        p->ncomms = n;
    }
    if (*out == MPI_COMM_WORLD || *out == MPI_COMM_SELF) h = *out; /* set up at init */
    struct mpi_comm *c = calloc(1, sizeof *c);
    int *w = malloc(sizeof(int) * (size_t)(size ? size : 1));
    if (!c || !w) {
        free(c);
        free(w);
        return MPI_ERR_NO_MEM;
    }
    memcpy(w, world, sizeof(int) * (size_t)size);
    c->handle = h;
    c->ctx = ctx;
    c->size = size;
    c->rank = rank;
    c->world = w;
    c->eh = eh;
    p->comms[h] = c;
    *out = h;
    return MPI_SUCCESS;
}

void mpi_comm_init(struct mpi_proc *p)
{
    int *w = malloc(sizeof(int) * (size_t)p->size);
    for (int i = 0; i < p->size; i++)
        w[i] = i;
    MPI_Comm h = MPI_COMM_WORLD;
    mpi_comm_new(w, p->size, p->rank, 0, MPI_ERRORS_ARE_FATAL, &h);
    snprintf(p->comms[h]->name, MPI_MAX_OBJECT_NAME, "MPI_COMM_WORLD");
    h = MPI_COMM_SELF;
    mpi_comm_new(&p->rank, 1, 0, 2, MPI_ERRORS_ARE_FATAL, &h);
    snprintf(p->comms[h]->name, MPI_MAX_OBJECT_NAME, "MPI_COMM_SELF");
    free(w);
    p->next_ctx = 4;
    p->ngroups = 2; /* 1 = MPI_GROUP_EMPTY */
    p->groups = calloc(2, sizeof *p->groups);
    p->groups[1] = calloc(1, sizeof(struct mpi_group));
}

static void comm_destroy(struct mpi_comm *c)
{
    if (!c) return;
    free(c->world);
    free(c);
}

static void group_destroy(struct mpi_group *g)
{
    if (!g) return;
    free(g->world);
    free(g);
}

void mpi_comm_fini(struct mpi_proc *p)
{
    for (int h = 0; h < p->ncomms; h++)
        comm_destroy(p->comms[h]);
    free(p->comms);
    p->comms = NULL;
    p->ncomms = 0;
    for (int h = 0; h < p->ngroups; h++)
        group_destroy(p->groups[h]);
    free(p->groups);
    p->groups = NULL;
    p->ngroups = 0;
}

int mpi_next_ctx(MPI_Comm parent, int *ctx)
{
    struct mpi_proc *p = mpi_proc();
    int mine = p->next_ctx, agreed = 0;
    MPI_TRY(PMPI_Allreduce(&mine, &agreed, 1, MPI_INT, MPI_MAX, parent));
    if (agreed > 0xFFFE) return mpi_err(parent, MPI_ERR_INTERN, "out of communicator contexts");
    p->next_ctx = agreed + 2;
    *ctx = agreed;
    return MPI_SUCCESS;
}

int PMPI_Comm_rank(MPI_Comm comm, int *rank)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_rank"));
    if (!rank) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_rank: NULL");
    *rank = mpi_comm(comm)->rank;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_rank)

int PMPI_Comm_size(MPI_Comm comm, int *size)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_size"));
    if (!size) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_size: NULL");
    *size = mpi_comm(comm)->size;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_size)

int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_dup"));
    if (!newcomm) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_dup: NULL");
    int ctx;
    MPI_TRY(mpi_next_ctx(comm, &ctx));
    struct mpi_comm *c = mpi_comm(comm);
    *newcomm = MPI_COMM_NULL;
    int rc = mpi_comm_new(c->world, c->size, c->rank, ctx, c->eh, newcomm);
    if (rc) return mpi_err(comm, rc, "MPI_Comm_dup: out of memory");
    struct mpi_comm *n = mpi_comm(*newcomm);
    c = mpi_comm(comm);
    n->ndims = c->ndims;
    memcpy(n->dims, c->dims, sizeof n->dims);
    memcpy(n->periods, c->periods, sizeof n->periods);
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_dup)

struct skey {
    int key, rank, world, color;
};
static int by_key(const void *a, const void *b)
{
    const struct skey *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->rank - y->rank;
}

int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_split"));
    if (!newcomm) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_split: NULL");
    if (color < 0 && color != MPI_UNDEFINED)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_split: invalid color %d", color);
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size;
    int mine[2] = {color, key};
    int *all = malloc(sizeof(int) * 2 * (size_t)n);
    struct skey *ks = malloc(sizeof *ks * (size_t)n);
    int *w = malloc(sizeof(int) * (size_t)n);
    if (!all || !ks || !w) {
        free(all), free(ks), free(w);
        return mpi_err(comm, MPI_ERR_NO_MEM, "MPI_Comm_split: out of memory");
    }
    int rc = PMPI_Allgather(mine, 2, MPI_INT, all, 2, MPI_INT, comm);
    int ctx = 0;
    if (!rc) rc = mpi_next_ctx(comm, &ctx);
    *newcomm = MPI_COMM_NULL;
    if (!rc && color != MPI_UNDEFINED) {
        c = mpi_comm(comm);
        int m = 0;
        for (int i = 0; i < n; i++)
            if (all[2 * i] == color) ks[m++] = (struct skey){all[2 * i + 1], i, c->world[i], color};
        qsort(ks, (size_t)m, sizeof *ks, by_key);
        int me = 0;
        for (int i = 0; i < m; i++) {
            w[i] = ks[i].world;
            if (ks[i].rank == c->rank) me = i;
        }
        rc = mpi_comm_new(w, m, me, ctx, c->eh, newcomm);
    }
    free(all), free(ks), free(w);
    if (rc) return mpi_err(comm, rc, "MPI_Comm_split failed");
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_split)

static struct mpi_group *grp(MPI_Group g)
{
    struct mpi_proc *p = mpi_proc();
    if (g <= 0 || g >= p->ngroups) return NULL;
    return p->groups[g];
}

static int group_new(const int *world, int size, MPI_Group *out)
{
    struct mpi_proc *p = mpi_proc();
    int h = 2;
    while (h < p->ngroups && p->groups[h])
        h++;
    if (h >= p->ngroups) {
        int n = p->ngroups * 2;
        struct mpi_group **t = realloc(p->groups, (size_t)n * sizeof *t);
        if (!t) return MPI_ERR_NO_MEM;
        memset(t + p->ngroups, 0, (size_t)(n - p->ngroups) * sizeof *t);
        p->groups = t;
        p->ngroups = n;
    }
    struct mpi_group *g = calloc(1, sizeof *g);
    int *w = malloc(sizeof(int) * (size_t)(size ? size : 1));
    if (!g || !w) {
        free(g), free(w);
        return MPI_ERR_NO_MEM;
    }
    memcpy(w, world, sizeof(int) * (size_t)size);
    g->size = size;
    g->world = w;
    p->groups[h] = g;
    *out = h;
    return MPI_SUCCESS;
}

static int my_index(const struct mpi_group *g)
{
    int me = mpi_proc()->rank;
    for (int i = 0; i < g->size; i++)
        if (g->world[i] == me) return i;
    return MPI_UNDEFINED;
}

int PMPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_create"));
    struct mpi_group *g = grp(group);
    if (!g) return mpi_err(comm, MPI_ERR_GROUP, "MPI_Comm_create: invalid group %d", group);
    if (!newcomm) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_create: NULL");
    struct mpi_comm *c = mpi_comm(comm);
    for (int i = 0; i < g->size; i++)
        if (mpi_comm_rank_of(c, g->world[i]) < 0)
            return mpi_err(comm, MPI_ERR_GROUP, "MPI_Comm_create: group not in the communicator");
    int ctx;
    MPI_TRY(mpi_next_ctx(comm, &ctx));
    g = grp(group);
    *newcomm = MPI_COMM_NULL;
    int me = my_index(g);
    if (me == MPI_UNDEFINED) return MPI_SUCCESS;
    int rc = mpi_comm_new(g->world, g->size, me, ctx, mpi_comm(comm)->eh, newcomm);
    if (rc) return mpi_err(comm, rc, "MPI_Comm_create: out of memory");
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_create)

int PMPI_Comm_free(MPI_Comm *comm)
{
    if (!comm) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Comm_free: NULL");
    MPI_TRY(mpi_check_comm(*comm, "MPI_Comm_free"));
    if (*comm == MPI_COMM_WORLD || *comm == MPI_COMM_SELF)
        return mpi_err(*comm, MPI_ERR_COMM, "MPI_Comm_free: predefined communicator");
    struct mpi_proc *p = mpi_proc();
    comm_destroy(p->comms[*comm]);
    p->comms[*comm] = NULL;
    *comm = MPI_COMM_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_free)

int PMPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result)
{
    MPI_TRY(mpi_check_comm(comm1, "MPI_Comm_compare"));
    MPI_TRY(mpi_check_comm(comm2, "MPI_Comm_compare"));
    if (!result) return mpi_err(comm1, MPI_ERR_ARG, "MPI_Comm_compare: NULL");
    struct mpi_comm *a = mpi_comm(comm1), *b = mpi_comm(comm2);
    if (comm1 == comm2)
        *result = MPI_IDENT;
    else if (a->size != b->size)
        *result = MPI_UNEQUAL;
    else if (!memcmp(a->world, b->world, sizeof(int) * (size_t)a->size))
        *result = MPI_CONGRUENT;
    else {
        *result = MPI_SIMILAR;
        for (int i = 0; i < a->size && *result == MPI_SIMILAR; i++)
            if (mpi_comm_rank_of(b, a->world[i]) < 0) *result = MPI_UNEQUAL;
    }
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_compare)

int PMPI_Comm_group(MPI_Comm comm, MPI_Group *group)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_group"));
    if (!group) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_group: NULL");
    struct mpi_comm *c = mpi_comm(comm);
    int rc = group_new(c->world, c->size, group);
    if (rc) return mpi_err(comm, rc, "MPI_Comm_group: out of memory");
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_group)

int PMPI_Comm_test_inter(MPI_Comm comm, int *flag)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_test_inter"));
    if (!flag) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_test_inter: NULL");
    *flag = 0;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_test_inter)

int PMPI_Comm_set_name(MPI_Comm comm, const char *name)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_set_name"));
    if (!name) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_set_name: NULL");
    snprintf(mpi_comm(comm)->name, MPI_MAX_OBJECT_NAME, "%s", name);
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_set_name)

int PMPI_Comm_get_name(MPI_Comm comm, char *name, int *resultlen)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_get_name"));
    if (!name || !resultlen) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_get_name: NULL");
    snprintf(name, MPI_MAX_OBJECT_NAME, "%s", mpi_comm(comm)->name);
    *resultlen = (int)strlen(name);
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_get_name)

static int check_group(MPI_Group g, const char *fn)
{
    MPI_TRY(mpi_check_init(fn));
    if (!grp(g)) return mpi_err(MPI_COMM_WORLD, MPI_ERR_GROUP, "%s: invalid group %d", fn, g);
    return MPI_SUCCESS;
}

int PMPI_Group_size(MPI_Group group, int *size)
{
    MPI_TRY(check_group(group, "MPI_Group_size"));
    if (!size) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_size: NULL");
    *size = grp(group)->size;
    return MPI_SUCCESS;
}
MPI_ALIAS(Group_size)

int PMPI_Group_rank(MPI_Group group, int *rank)
{
    MPI_TRY(check_group(group, "MPI_Group_rank"));
    if (!rank) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_rank: NULL");
    *rank = my_index(grp(group));
    return MPI_SUCCESS;
}
MPI_ALIAS(Group_rank)

static int incl_excl(MPI_Group group, int n, const int *ranks, MPI_Group *newgroup, bool incl,
                     const char *fn)
{
    MPI_TRY(check_group(group, fn));
    struct mpi_group *g = grp(group);
    if (n < 0 || n > g->size || (n && !ranks) || !newgroup)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "%s: bad count or array", fn);
    char *seen = calloc((size_t)g->size + 1, 1);
    int *w = malloc(sizeof(int) * (size_t)(g->size + 1));
    if (!seen || !w) {
        free(seen), free(w);
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    }
    int rc = MPI_SUCCESS;
    for (int i = 0; i < n && !rc; i++) {
        if (ranks[i] < 0 || ranks[i] >= g->size)
            rc = MPI_ERR_RANK;
        else if (seen[ranks[i]])
            rc = MPI_ERR_RANK;
        else
            seen[ranks[i]] = 1;
    }
    int m = 0;
    if (!rc) {
        if (incl)
            for (int i = 0; i < n; i++)
                w[m++] = g->world[ranks[i]];
        else
            for (int i = 0; i < g->size; i++)
                if (!seen[i]) w[m++] = g->world[i];
        rc = m == 0 ? (*newgroup = MPI_GROUP_EMPTY, 0) : group_new(w, m, newgroup);
    }
    free(seen), free(w);
    if (rc == MPI_ERR_RANK)
        return mpi_err(MPI_COMM_WORLD, rc, "%s: rank out of range or listed twice", fn);
    if (rc) return mpi_err(MPI_COMM_WORLD, rc, "%s failed", fn);
    return MPI_SUCCESS;
}

int PMPI_Group_incl(MPI_Group group, int n, const int *ranks, MPI_Group *newgroup)
{
    return incl_excl(group, n, ranks, newgroup, true, "MPI_Group_incl");
}
MPI_ALIAS(Group_incl)

int PMPI_Group_excl(MPI_Group group, int n, const int *ranks, MPI_Group *newgroup)
{
    return incl_excl(group, n, ranks, newgroup, false, "MPI_Group_excl");
}
MPI_ALIAS(Group_excl)

int PMPI_Group_translate_ranks(MPI_Group group1, int n, const int *ranks1, MPI_Group group2,
                               int *ranks2)
{
    MPI_TRY(check_group(group1, "MPI_Group_translate_ranks"));
    MPI_TRY(check_group(group2, "MPI_Group_translate_ranks"));
    struct mpi_group *a = grp(group1), *b = grp(group2);
    if (n < 0 || (n && (!ranks1 || !ranks2)))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_translate_ranks: bad arrays");
    for (int i = 0; i < n; i++) {
        if (ranks1[i] == MPI_PROC_NULL) {
            ranks2[i] = MPI_PROC_NULL;
            continue;
        }
        if (ranks1[i] < 0 || ranks1[i] >= a->size)
            return mpi_err(MPI_COMM_WORLD, MPI_ERR_RANK,
                           "MPI_Group_translate_ranks: rank %d not in group 1", ranks1[i]);
        ranks2[i] = MPI_UNDEFINED;
        for (int j = 0; j < b->size; j++)
            if (b->world[j] == a->world[ranks1[i]]) ranks2[i] = j;
    }
    return MPI_SUCCESS;
}
MPI_ALIAS(Group_translate_ranks)

int PMPI_Group_compare(MPI_Group group1, MPI_Group group2, int *result)
{
    MPI_TRY(check_group(group1, "MPI_Group_compare"));
    MPI_TRY(check_group(group2, "MPI_Group_compare"));
    struct mpi_group *a = grp(group1), *b = grp(group2);
    if (!result) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_compare: NULL");
    if (a->size != b->size)
        *result = MPI_UNEQUAL;
    else if (!memcmp(a->world, b->world, sizeof(int) * (size_t)a->size))
        *result = MPI_IDENT;
    else {
        *result = MPI_SIMILAR;
        for (int i = 0; i < a->size; i++) {
            bool found = false;
            for (int j = 0; j < b->size; j++)
                found |= a->world[i] == b->world[j];
            if (!found) *result = MPI_UNEQUAL;
        }
    }
    return MPI_SUCCESS;
}
MPI_ALIAS(Group_compare)

int PMPI_Group_free(MPI_Group *group)
{
    if (!group) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Group_free: NULL");
    MPI_TRY(check_group(*group, "MPI_Group_free"));
    struct mpi_proc *p = mpi_proc();
    if (*group != MPI_GROUP_EMPTY) {
        group_destroy(p->groups[*group]);
        p->groups[*group] = NULL;
    }
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Group_free)
