/*
 * xen_disk_spec.c: xl disk specifications <-> xvmDomainDiskDef.
 * The scanner follows libxlutil's disk lexer rule for rule (see
 * xen_disk_spec.h); the conversion follows libvirt's xen_xl.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "xen_disk_spec.h"

#define XVM_XEN_DISK_SPEC_MAX 4096

typedef struct {
    const char *spec;
    xvmXenDiskSpec *disk;
    gboolean accessSet;
    GError **error;
} diskParser;

static gboolean
diskErr(diskParser *dp, const char *near, const char *why)
{
    if (near && *near)
        xvmConfError(dp->error, VIR_ERR_CONF_SYNTAX,
                     _("invalid disk specification '%s': %s near '%s'"),
                     dp->spec, why, near);
    else
        xvmConfError(dp->error, VIR_ERR_CONF_SYNTAX,
                     _("invalid disk specification '%s': %s"), dp->spec, why);
    return FALSE;
}

void
xvmXenDiskSpecClear(xvmXenDiskSpec *spec)
{
    g_clear_pointer(&spec->target, g_free);
    g_clear_pointer(&spec->vdev, g_free);
    g_clear_pointer(&spec->script, g_free);
    g_clear_pointer(&spec->backend_domain, g_free);
    memset(spec, 0, sizeof(*spec));
}

/* A string may be given once; an empty earlier value may be overwritten. */
static gboolean
saveString(diskParser *dp, char **slot, const char *value, const char *respecified)
{
    if (*slot && **slot)
        return diskErr(dp, value, respecified);
    g_free(*slot);
    *slot = g_strdup(value);
    return TRUE;
}

static gboolean
setFormatValue(diskParser *dp, xvmXenDiskFormat f, const char *str)
{
    if (dp->disk->format != XVM_XEN_DISK_FORMAT_UNKNOWN && dp->disk->format != f)
        return diskErr(dp, str, _("format respecified"));
    dp->disk->format = f;
    return TRUE;
}

static gboolean
setFormat(diskParser *dp, const char *str)
{
    static const struct { const char *name; xvmXenDiskFormat f; } formats[] = {
        { "", XVM_XEN_DISK_FORMAT_RAW },
        { "raw", XVM_XEN_DISK_FORMAT_RAW },
        { "qcow", XVM_XEN_DISK_FORMAT_QCOW },
        { "qcow2", XVM_XEN_DISK_FORMAT_QCOW2 },
        { "vhd", XVM_XEN_DISK_FORMAT_VHD },
        { "empty", XVM_XEN_DISK_FORMAT_EMPTY },
        { "qed", XVM_XEN_DISK_FORMAT_QED },
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(formats); i++)
        if (strcmp(str, formats[i].name) == 0)
            return setFormatValue(dp, formats[i].f, str);
    return diskErr(dp, str, _("unknown value for format"));
}

static gboolean
setBackend(diskParser *dp, const char *str)
{
    static const struct { const char *name; xvmXenDiskBackend b; } backends[] = {
        { "phy", XVM_XEN_DISK_BACKEND_PHY },
        { "tap", XVM_XEN_DISK_BACKEND_TAP },
        { "qdisk", XVM_XEN_DISK_BACKEND_QDISK },
        { "standalone", XVM_XEN_DISK_BACKEND_STANDALONE },
    };
    gsize i;

    for (i = 0; i < G_N_ELEMENTS(backends); i++) {
        if (strcmp(str, backends[i].name) == 0) {
            if (dp->disk->backend != XVM_XEN_DISK_BACKEND_UNKNOWN &&
                dp->disk->backend != backends[i].b)
                return diskErr(dp, str, _("backendtype respecified"));
            dp->disk->backend = backends[i].b;
            return TRUE;
        }
    }
    return diskErr(dp, str, _("unknown value for backendtype"));
}

static gboolean
setAccess(diskParser *dp, const char *str)
{
    if (strcmp(str, "r") == 0 || strcmp(str, "ro") == 0)
        dp->disk->readwrite = FALSE;
    else if (strcmp(str, "rw") == 0 || strcmp(str, "w") == 0 || strcmp(str, "") == 0)
        dp->disk->readwrite = TRUE;
    else
        return diskErr(dp, str, _("unknown value for access"));
    return TRUE;
}

/* "<vdev>:<devtype>" in the vdev position (deprecated); FALSE in *handled
 * when there is no colon. */
static gboolean
vdevAndDevtype(diskParser *dp, const char *str, gboolean *handled)
{
    const char *colon = strrchr(str, ':');
    g_autofree char *vdev = NULL;

    *handled = FALSE;
    if (!colon)
        return TRUE;
    *handled = TRUE;
    vdev = g_strndup(str, colon - str);
    if (!saveString(dp, &dp->disk->vdev, vdev, _("vdev respecified")))
        return FALSE;
    if (strcmp(colon + 1, "cdrom") == 0)
        dp->disk->cdrom = TRUE;
    else if (strcmp(colon + 1, "disk") == 0)
        dp->disk->cdrom = FALSE;
    else
        return diskErr(dp, colon + 1, _("unknown deprecated type"));
    return TRUE;
}

static gboolean
positional(diskParser *dp, const char *tok)
{
    xvmXenDiskSpec *d = dp->disk;
    gboolean handled;

    if (!d->target)
        return saveString(dp, &d->target, tok, _("target respecified"));
    if (!d->prefix && d->format == XVM_XEN_DISK_FORMAT_UNKNOWN) {
        if (!*d->target) {
            if (!vdevAndDevtype(dp, tok, &handled))
                return FALSE;
            if (handled) {
                d->format = XVM_XEN_DISK_FORMAT_EMPTY;
                return TRUE;
            }
        }
        return setFormat(dp, tok);
    }
    if (!d->vdev) {
        if (!vdevAndDevtype(dp, tok, &handled))
            return FALSE;
        if (!handled)
            return saveString(dp, &d->vdev, tok, _("vdev respecified"));
        return TRUE;
    }
    if (!dp->accessSet) {
        dp->accessSet = TRUE;
        return setAccess(dp, tok);
    }
    return diskErr(dp, tok, _("too many positional parameters"));
}

static gboolean
keyword(diskParser *dp, const char *key, const char *val, const char *tok)
{
    xvmXenDiskSpec *d = dp->disk;

    if (strcmp(key, "format") == 0)
        return setFormat(dp, val);
    if (strcmp(key, "devtype") == 0) {
        if (strcmp(val, "cdrom") == 0)
            d->cdrom = TRUE;
        else if (strcmp(val, "disk") == 0)
            d->cdrom = FALSE;
        else
            return diskErr(dp, tok, _("unknown value for type"));
        return TRUE;
    }
    if (strcmp(key, "access") == 0)
        return setAccess(dp, val);
    if (strcmp(key, "backend") == 0)
        return saveString(dp, &d->backend_domain, val, _("backend respecified"));
    if (strcmp(key, "backendtype") == 0)
        return setBackend(dp, val);
    if (strcmp(key, "specification") == 0) {
        if (strcmp(val, "xen") == 0)
            d->virtio = FALSE;
        else if (strcmp(val, "virtio") == 0)
            d->virtio = TRUE;
        else
            return diskErr(dp, val, _("unknown value for specification"));
        return TRUE;
    }
    if (strcmp(key, "vdev") == 0)
        return saveString(dp, &d->vdev, val, _("vdev respecified"));
    if (strcmp(key, "script") == 0)
        return saveString(dp, &d->script, val, _("script respecified"));
    if (strcmp(key, "grant_usage") == 0) {
        if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
            return diskErr(dp, tok, _("unknown value for grant_usage"));
        return TRUE;
    }
    if (strcmp(key, "colo-host") == 0 || strcmp(key, "colo-port") == 0 ||
        strcmp(key, "colo-export") == 0 || strcmp(key, "active-disk") == 0 ||
        strcmp(key, "hidden-disk") == 0) {
        d->colo = TRUE;
        return TRUE;
    }
    return diskErr(dp, tok, _("unknown parameter"));
}

static const char *const flags[] = {
    "cdrom", "direct-io-safe", "discard", "no-discard", "colo", "no-colo",
    "trusted", "untrusted",
};

static gboolean
flag(diskParser *dp, const char *tok, gboolean *handled)
{
    gsize i;

    *handled = FALSE;
    for (i = 0; i < G_N_ELEMENTS(flags); i++) {
        if (strcmp(tok, flags[i]) == 0) {
            *handled = TRUE;
            if (strcmp(tok, "cdrom") == 0)
                dp->disk->cdrom = TRUE;
            else if (strcmp(tok, "colo") == 0)
                dp->disk->colo = TRUE;
            /* the others are performance and security hints of the
             * backend, without a libvirt form: accepted, not kept */
            return TRUE;
        }
    }
    return TRUE;
}

/* A deprecated "xxx:" prefix at @p: its length (with the colon) or 0. */
static gsize
prefixLength(diskParser *dp, const char *p, gboolean *ok)
{
    static const char *const formatPrefixes[] = { "raw", "qcow", "qcow2", "vhd" };
    static const char *const scriptPrefixes[] = { "iscsi", "nbd", "enbd", "drbd" };
    static const char *const plainPrefixes[] = {
        "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy",
    };
    gsize n = 0;
    g_autofree char *name = NULL;
    gsize i;

    *ok = TRUE;
    if (!g_ascii_islower(p[0]))
        return 0;
    while (g_ascii_islower(p[n]) || g_ascii_isdigit(p[n]))
        n++;
    if (p[n] != ':')
        return 0;
    name = g_strndup(p, n);

    for (i = 0; i < G_N_ELEMENTS(formatPrefixes); i++) {
        if (strcmp(name, formatPrefixes[i]) == 0) {
            if (!dp->disk->prefix)
                dp->disk->prefix = "format";
            *ok = setFormat(dp, name);
            return n + 1;
        }
    }
    for (i = 0; i < G_N_ELEMENTS(scriptPrefixes); i++) {
        if (strcmp(name, scriptPrefixes[i]) == 0) {
            g_autofree char *script = g_strdup_printf("block-%s", name);
            if (!dp->disk->prefix)
                dp->disk->prefix = "script";
            *ok = saveString(dp, &dp->disk->script, script, _("script respecified"));
            return n + 1;
        }
    }
    for (i = 0; i < G_N_ELEMENTS(plainPrefixes); i++) {
        if (strcmp(name, plainPrefixes[i]) == 0) {
            /* the first driver prefix names the backend (tap:aio: is tap) */
            if (!dp->disk->prefix || strcmp(dp->disk->prefix, "format") == 0 ||
                strcmp(dp->disk->prefix, "script") == 0)
                dp->disk->prefix = plainPrefixes[i];
            return n + 1;
        }
    }
    /* [a-z][a-z0-9]*: followed by the end or a character that cannot go
     * on a name: an unknown prefix.  Otherwise (hda:cdrom) it is text. */
    if (p[n + 1] == '\0' || !(g_ascii_islower(p[n + 1]) || g_ascii_isdigit(p[n + 1]))) {
        g_autofree char *near = g_strndup(p, n + 1);
        *ok = diskErr(dp, near, _("unknown deprecated disk prefix"));
        return n + 1;
    }
    return 0;
}

gboolean
xvmXenDiskSpecParse(const char *str, xvmXenDiskSpec *spec, GError **error)
{
    diskParser dp = { .spec = str, .disk = spec, .error = error };
    const char *p = str;

    memset(spec, 0, sizeof(*spec));
    spec->readwrite = TRUE;

    if (strlen(str) > XVM_XEN_DISK_SPEC_MAX) {
        xvmConfError(error, VIR_ERR_CONF_SYNTAX,
                     _("disk specification longer than %d bytes"), XVM_XEN_DISK_SPEC_MAX);
        goto error;
    }

    while (*p) {
        const char *comma;
        g_autofree char *tok = NULL;
        gboolean ok, handled;
        gsize plen;
        const char *eq;

        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;

        if (g_str_has_prefix(p, "target=")) {
            /* eats the rest of the string, less one trailing comma */
            gsize len = strlen(p + 7);
            g_autofree char *val = g_strndup(p + 7, len);
            if (len && val[len - 1] == ',')
                val[len - 1] = '\0';
            if (!saveString(&dp, &spec->target, val, _("target respecified")))
                goto error;
            break;
        }

        plen = prefixLength(&dp, p, &ok);
        if (!ok)
            goto error;
        if (plen) {
            p += plen;
            continue;
        }

        comma = strchr(p, ',');
        tok = comma ? g_strndup(p, comma - p) : g_strdup(p);
        p = comma ? comma + 1 : p + strlen(p);

        if ((eq = strchr(tok, '='))) {
            g_autofree char *key = g_strndup(tok, eq - tok);
            if (!keyword(&dp, key, eq + 1, tok))
                goto error;
            continue;
        }
        if (!flag(&dp, tok, &handled))
            goto error;
        if (handled)
            continue;
        if (!positional(&dp, tok))
            goto error;
    }

    if (spec->format == XVM_XEN_DISK_FORMAT_UNKNOWN)
        spec->format = XVM_XEN_DISK_FORMAT_RAW;
    if (spec->cdrom) {
        spec->readwrite = FALSE;
        if (!spec->target || !*spec->target)
            spec->format = XVM_XEN_DISK_FORMAT_EMPTY;
    }
    if (!spec->vdev || !*spec->vdev) {
        diskErr(&dp, NULL, _("no vdev specified"));
        goto error;
    }
    if (!spec->target && !spec->cdrom) {
        diskErr(&dp, NULL, _("no target specified (and device not removable)"));
        goto error;
    }
    return TRUE;

 error:
    xvmXenDiskSpecClear(spec);
    return FALSE;
}

static gboolean
unsupported(GError **error, const char *spec_what, const char *vdev)
{
    xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                 _("disk '%s': %s is not supported"), vdev, spec_what);
    return FALSE;
}

xvmDomainDiskDef *
xvmXenDiskSpecToDef(const xvmXenDiskSpec *spec, GError **error)
{
    g_autoptr(xvmDomainDiskDef) disk = xvmDomainDiskDefNew();

    if (spec->script) {
        unsupported(error, _("a block script (script=, iscsi:, nbd:, drbd:)"), spec->vdev);
        return NULL;
    }
    if (spec->backend_domain) {
        unsupported(error, _("a driver domain (backend=)"), spec->vdev);
        return NULL;
    }
    if (spec->virtio) {
        unsupported(error, "specification=virtio", spec->vdev);
        return NULL;
    }
    if (spec->colo) {
        unsupported(error, _("COLO replication"), spec->vdev);
        return NULL;
    }

    if (!spec->cdrom && (!spec->target || !*spec->target)) {
        /* xl lets an empty target through to libxl, which refuses it */
        xvmConfError(error, VIR_ERR_CONF_SYNTAX,
                     _("disk '%s' has an empty target (only a cdrom may be empty)"), spec->vdev);
        return NULL;
    }

    disk->dst = g_strdup(spec->vdev);
    if (spec->target && *spec->target)
        disk->src = g_strdup(spec->target);
    disk->readonly = !spec->readwrite;

    if (spec->cdrom) {
        /* libvirt: a cdrom is always a qemu-backed file */
        disk->device = XVM_DOMAIN_DISK_DEVICE_CDROM;
        disk->driver = XVM_DOMAIN_DISK_DRIVER_QEMU;
        disk->type = XVM_DOMAIN_DISK_TYPE_FILE;
        if (disk->src)
            disk->format = XVM_DOMAIN_DISK_FORMAT_RAW;
    } else {
        switch (spec->format) {
        case XVM_XEN_DISK_FORMAT_RAW:
        case XVM_XEN_DISK_FORMAT_UNKNOWN:
            disk->format = XVM_DOMAIN_DISK_FORMAT_RAW;
            break;
        case XVM_XEN_DISK_FORMAT_QCOW2:
            disk->format = XVM_DOMAIN_DISK_FORMAT_QCOW2;
            break;
        case XVM_XEN_DISK_FORMAT_VHD:
            disk->format = XVM_DOMAIN_DISK_FORMAT_VHD;
            break;
        case XVM_XEN_DISK_FORMAT_QCOW:
            disk->format = XVM_DOMAIN_DISK_FORMAT_QCOW;
            break;
        case XVM_XEN_DISK_FORMAT_QED:
            disk->format = XVM_DOMAIN_DISK_FORMAT_QED;
            break;
        case XVM_XEN_DISK_FORMAT_EMPTY:
            break;
        }

        switch (spec->backend) {
        case XVM_XEN_DISK_BACKEND_UNKNOWN:
            /* libxl guesses; the deprecated phy: prefix says what the
             * user meant (and what libxl picks for a block device) */
            if (spec->prefix && strcmp(spec->prefix, "phy") == 0) {
                disk->driver = XVM_DOMAIN_DISK_DRIVER_PHY;
                disk->type = XVM_DOMAIN_DISK_TYPE_BLOCK;
            } else if (spec->prefix && (strcmp(spec->prefix, "tap") == 0 ||
                                        strcmp(spec->prefix, "tap2") == 0 ||
                                        strcmp(spec->prefix, "aio") == 0 ||
                                        strcmp(spec->prefix, "tapdisk") == 0)) {
                disk->driver = XVM_DOMAIN_DISK_DRIVER_TAP;
                disk->type = XVM_DOMAIN_DISK_TYPE_FILE;
            } else {
                disk->driver = XVM_DOMAIN_DISK_DRIVER_QEMU;
                disk->type = XVM_DOMAIN_DISK_TYPE_FILE;
            }
            break;
        case XVM_XEN_DISK_BACKEND_QDISK:
            disk->driver = XVM_DOMAIN_DISK_DRIVER_QEMU;
            disk->type = XVM_DOMAIN_DISK_TYPE_FILE;
            break;
        case XVM_XEN_DISK_BACKEND_TAP:
            disk->driver = XVM_DOMAIN_DISK_DRIVER_TAP;
            disk->type = XVM_DOMAIN_DISK_TYPE_FILE;
            break;
        case XVM_XEN_DISK_BACKEND_PHY:
            disk->driver = XVM_DOMAIN_DISK_DRIVER_PHY;
            disk->type = XVM_DOMAIN_DISK_TYPE_BLOCK;
            break;
        case XVM_XEN_DISK_BACKEND_STANDALONE:
            unsupported(error, "backendtype=standalone", spec->vdev);
            return NULL;
        }
    }

    /* the bus follows from the vdev prefix (xvmDomainDefPostParse) */
    return g_steal_pointer(&disk);
}

/* Characters that would end or split a keyword value. */
static gboolean
badSpecText(const char *s)
{
    return strchr(s, ',') != NULL;
}

char *
xvmXenDiskSpecFormat(const xvmDomainDiskDef *disk, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    if (!disk->dst || !*disk->dst || badSpecText(disk->dst) || strchr(disk->dst, '=')) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("disk target '%s' cannot be written as an xl vdev"),
                     disk->dst ? disk->dst : "");
        return NULL;
    }
    if (!disk->src && disk->device != XVM_DOMAIN_DISK_DEVICE_CDROM) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("disk '%s' has no source (only a cdrom may be empty)"), disk->dst);
        return NULL;
    }
    if (disk->shareable) {
        xvmConfError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                     _("disk '%s': shareable disks have no xl form"), disk->dst);
        return NULL;
    }

    g_string_append(buf, "format=");
    switch (disk->format) {
    case XVM_DOMAIN_DISK_FORMAT_QCOW2:
    case XVM_DOMAIN_DISK_FORMAT_VHD:
    case XVM_DOMAIN_DISK_FORMAT_QCOW:
    case XVM_DOMAIN_DISK_FORMAT_QED:
        /* xl's format names are libvirt's */
        g_string_append(buf, xvmDomainDiskFormatTypeToString(disk->format));
        break;
    case XVM_DOMAIN_DISK_FORMAT_RAW:
    case XVM_DOMAIN_DISK_FORMAT_DEFAULT:
    default:
        g_string_append(buf, disk->src || disk->device != XVM_DOMAIN_DISK_DEVICE_CDROM
                             ? "raw" : "empty");
        break;
    }
    g_string_append_printf(buf, ",vdev=%s", disk->dst);
    g_string_append_printf(buf, ",access=%s", disk->readonly ? "ro" : "rw");

    switch (disk->driver) {
    case XVM_DOMAIN_DISK_DRIVER_FILE:
    case XVM_DOMAIN_DISK_DRIVER_QEMU:
        g_string_append(buf, ",backendtype=qdisk");
        break;
    case XVM_DOMAIN_DISK_DRIVER_TAP:
    case XVM_DOMAIN_DISK_DRIVER_TAP2:
        /* blktap2 is what libxl's tap backend drives */
        g_string_append(buf, ",backendtype=tap");
        break;
    case XVM_DOMAIN_DISK_DRIVER_PHY:
        g_string_append(buf, ",backendtype=phy");
        break;
    case XVM_DOMAIN_DISK_DRIVER_DEFAULT:
    default:
        break;
    }
    if (disk->device == XVM_DOMAIN_DISK_DEVICE_CDROM)
        g_string_append(buf, ",devtype=cdrom");
    /* target= takes the rest of the string, commas included */
    if (disk->src)
        g_string_append_printf(buf, ",target=%s", disk->src);

    return g_string_free(g_steal_pointer(&buf), FALSE);
}
