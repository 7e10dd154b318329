/*
 * stats_source.c: the backends' I/O statistics (see stats_source.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "stats_source.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>

#include "domain_conf.h"

/* Files are small: a statistics file larger than this is not one. */
#define STATS_FILE_MAX 4096
#define SECTOR_BYTES 512

typedef enum {
    SOURCE_SYSFS,
    SOURCE_SIM,
} xvmStatsSourceKind;

struct _xvmStatsSource {
    xvmStatsSourceKind kind;
    char *spec;
    char *root;                      /* sysfs root, or xvm-simhv's run dir */
};

xvmStatsSource *
xvmStatsSourceNew(const char *spec, GError **error)
{
    xvmStatsSource *src;
    xvmStatsSourceKind kind;
    const char *root;

    if (g_strcmp0(spec, "sysfs") == 0) {
        kind = SOURCE_SYSFS;
        root = "/sys";
    } else if (spec && g_str_has_prefix(spec, "sysfs:") && spec[6]) {
        kind = SOURCE_SYSFS;
        root = spec + 6;
    } else if (spec && g_str_has_prefix(spec, "sim:") && spec[4]) {
        kind = SOURCE_SIM;
        root = spec + 4;
    } else {
        xvmConfError(error, VIR_ERR_INVALID_ARG,
                     _("invalid statistics source '%s': sysfs, sysfs:ROOT or sim:DIR"),
                     spec ? spec : "");
        return NULL;
    }
    src = g_new0(xvmStatsSource, 1);
    src->kind = kind;
    src->spec = g_strdup(spec);
    src->root = g_strdup(root);
    return src;
}

void
xvmStatsSourceFree(xvmStatsSource *src)
{
    if (!src)
        return;
    g_free(src->spec);
    g_free(src->root);
    g_free(src);
}

const char *
xvmStatsSourceSpec(const xvmStatsSource *src)
{
    return src->spec;
}

/* ---- reading ---------------------------------------------------------- */

/* A file's contents (bounded), NULL with errno-style GError when it cannot
 * be read. */
static char *
read_small_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, error))
        return NULL;
    if (len > STATS_FILE_MAX || memchr(data, '\0', len)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    _("%s is not a statistics file"), path);
        return NULL;
    }
    return g_steal_pointer(&data);
}

/* A decimal counter alone on its line (sysfs attribute), or -1. */
static gboolean
parse_counter(const char *text, gint64 *out)
{
    guint64 v;
    char *end;

    while (g_ascii_isspace(*text))
        text++;
    if (!g_ascii_isdigit(*text))
        return FALSE;
    errno = 0;
    v = g_ascii_strtoull(text, &end, 10);
    if (errno || v > G_MAXINT64)
        return FALSE;
    while (g_ascii_isspace(*end))
        end++;
    if (*end)
        return FALSE;
    *out = (gint64)v;
    return TRUE;
}

/* ---- sysfs: blkback and netback of a real dom0 ------------------------ */

/* One sysfs attribute as a counter: -1 when absent (an older kernel),
 * FALSE with *error when it is there but cannot be read or parsed. */
static gboolean
sysfs_counter(const char *dir, const char *name, gint64 *out, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) err = NULL;
    g_autofree char *text = read_small_file(path, &err);

    if (!text) {
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            *out = -1;
            return TRUE;
        }
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("cannot read %s: %s"), path,
                     err->message);
        return FALSE;
    }
    if (!parse_counter(text, out)) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("cannot read %s: not a counter"),
                     path);
        return FALSE;
    }
    return TRUE;
}

static gint64
sectors_to_bytes(gint64 sectors)
{
    return sectors < 0 || sectors > G_MAXINT64 / SECTOR_BYTES ? -1 : sectors * SECTOR_BYTES;
}

static gboolean
sysfs_block(const xvmStatsSource *src, guint32 domid, guint32 devid,
            xvmBlockStats *out, GError **error)
{
    g_autofree char *name = g_strdup_printf("vbd-%u-%u", domid, devid);
    g_autofree char *dir = g_build_filename(src->root, "bus", "xen-backend", "devices",
                                            name, "statistics", NULL);
    gint64 rd_sect, wr_sect;

    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("no statistics for block device %u of domain %u: %s is missing"),
                     devid, domid, dir);
        return FALSE;
    }
    if (!sysfs_counter(dir, "rd_req", &out->rd_req, error) ||
        !sysfs_counter(dir, "wr_req", &out->wr_req, error) ||
        !sysfs_counter(dir, "rd_sect", &rd_sect, error) ||
        !sysfs_counter(dir, "wr_sect", &wr_sect, error) ||
        !sysfs_counter(dir, "f_req", &out->f_req, error) ||
        !sysfs_counter(dir, "oo_req", &out->errs, error))
        return FALSE;
    out->rd_bytes = sectors_to_bytes(rd_sect);
    out->wr_bytes = sectors_to_bytes(wr_sect);
    return TRUE;
}

static gboolean
sysfs_interface(const xvmStatsSource *src, const char *ifname,
                xvmInterfaceStats *out, GError **error)
{
    g_autofree char *dir = NULL;

    /* A name that could leave the directory is no interface of ours. */
    if (!ifname || !*ifname || strchr(ifname, '/') || g_str_equal(ifname, ".") ||
        g_str_equal(ifname, "..")) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("no statistics for interface '%s'"), ifname ? ifname : "");
        return FALSE;
    }
    dir = g_build_filename(src->root, "class", "net", ifname, "statistics", NULL);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                     _("no statistics for interface '%s': %s is missing"), ifname, dir);
        return FALSE;
    }
    /* dom0 sends what the guest receives: swapped. */
    return sysfs_counter(dir, "tx_bytes", &out->rx_bytes, error) &&
           sysfs_counter(dir, "tx_packets", &out->rx_packets, error) &&
           sysfs_counter(dir, "tx_errors", &out->rx_errs, error) &&
           sysfs_counter(dir, "tx_dropped", &out->rx_drop, error) &&
           sysfs_counter(dir, "rx_bytes", &out->tx_bytes, error) &&
           sysfs_counter(dir, "rx_packets", &out->tx_packets, error) &&
           sysfs_counter(dir, "rx_errors", &out->tx_errs, error) &&
           sysfs_counter(dir, "rx_dropped", &out->tx_drop, error);
}

/* ---- sim: xvm-simhv's statistics files -------------------------------- */

typedef struct {
    const char *name;
    gsize offset;                    /* into the stats struct */
} xvmStatsField;

/* Parses "NAME VALUE" lines into the fields named (others are ignored:
 * the file may carry more, e.g. the bridge); fields absent stay -1. */
static gboolean
sim_parse(const char *path, const char *text, const xvmStatsField *fields, gsize n,
          void *out, GError **error)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (gsize i = 0; i < n; i++)
        G_STRUCT_MEMBER(gint64, out, fields[i].offset) = -1;
    for (gsize l = 0; lines[l]; l++) {
        const char *sp = strchr(lines[l], ' ');

        if (!sp)
            continue;
        for (gsize i = 0; i < n; i++) {
            gsize nlen = strlen(fields[i].name);

            if ((gsize)(sp - lines[l]) != nlen || strncmp(lines[l], fields[i].name, nlen))
                continue;
            if (!parse_counter(sp + 1, &G_STRUCT_MEMBER(gint64, out, fields[i].offset))) {
                xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                             _("cannot read %s: bad value of %s"), path, fields[i].name);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static char *
sim_read(const xvmStatsSource *src, guint32 domid, const char *kind, guint32 devid,
         char **path_out, GError **error)
{
    g_autofree char *name = g_strdup_printf("%s-%u", kind, devid);
    g_autofree char *dom = g_strdup_printf("%u", domid);
    g_autofree char *path = g_build_filename(src->root, "stats", dom, name, NULL);
    g_autoptr(GError) err = NULL;
    char *text = read_small_file(path, &err);

    if (!text) {
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            xvmConfError(error, VIR_ERR_OPERATION_FAILED,
                         _("no statistics for %s device %u of domain %u: %s is missing"),
                         kind, devid, domid, path);
        else
            xvmConfError(error, VIR_ERR_OPERATION_FAILED, _("cannot read %s: %s"), path,
                         err->message);
        return NULL;
    }
    *path_out = g_steal_pointer(&path);
    return text;
}

#define FIELD(type, f) { #f, G_STRUCT_OFFSET(type, f) }

static const xvmStatsField sim_block_fields[] = {
    FIELD(xvmBlockStats, rd_req), FIELD(xvmBlockStats, rd_bytes),
    FIELD(xvmBlockStats, wr_req), FIELD(xvmBlockStats, wr_bytes),
    FIELD(xvmBlockStats, f_req), FIELD(xvmBlockStats, errs),
};

static const xvmStatsField sim_interface_fields[] = {
    FIELD(xvmInterfaceStats, rx_bytes), FIELD(xvmInterfaceStats, rx_packets),
    FIELD(xvmInterfaceStats, rx_errs), FIELD(xvmInterfaceStats, rx_drop),
    FIELD(xvmInterfaceStats, tx_bytes), FIELD(xvmInterfaceStats, tx_packets),
    FIELD(xvmInterfaceStats, tx_errs), FIELD(xvmInterfaceStats, tx_drop),
};

static gboolean
sim_block(const xvmStatsSource *src, guint32 domid, guint32 devid, xvmBlockStats *out,
          GError **error)
{
    g_autofree char *path = NULL;
    g_autofree char *text = sim_read(src, domid, "vbd", devid, &path, error);

    return text && sim_parse(path, text, sim_block_fields,
                             G_N_ELEMENTS(sim_block_fields), out, error);
}

static gboolean
sim_interface(const xvmStatsSource *src, guint32 domid, guint32 devid,
              xvmInterfaceStats *out, GError **error)
{
    g_autofree char *path = NULL;
    g_autofree char *text = sim_read(src, domid, "vif", devid, &path, error);

    return text && sim_parse(path, text, sim_interface_fields,
                             G_N_ELEMENTS(sim_interface_fields), out, error);
}

/* ---- the interface ---------------------------------------------------- */

gboolean
xvmStatsSourceBlock(const xvmStatsSource *src, guint32 domid, guint32 devid,
                    xvmBlockStats *out, GError **error)
{
    xvmBlockStats st;

    memset(&st, 0, sizeof(st));
    if (!(src->kind == SOURCE_SIM ? sim_block(src, domid, devid, &st, error)
                                  : sysfs_block(src, domid, devid, &st, error)))
        return FALSE;
    *out = st;
    return TRUE;
}

gboolean
xvmStatsSourceInterface(const xvmStatsSource *src, guint32 domid, guint32 devid,
                        const char *ifname, xvmInterfaceStats *out, GError **error)
{
    xvmInterfaceStats st;

    memset(&st, 0, sizeof(st));
    if (!(src->kind == SOURCE_SIM ? sim_interface(src, domid, devid, &st, error)
                                  : sysfs_interface(src, ifname, &st, error)))
        return FALSE;
    *out = st;
    return TRUE;
}
