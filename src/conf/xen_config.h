/*
 * xen_config.h: the xl.cfg / xm configuration file syntax — a key/value
 * tree with line numbers, its parser (xen_config_lexer.c), typed accessors
 * and a canonical writer (xen_config.c).
 *
 * The syntax is libxlutil's (xl.cfg(5)), which is also what xm's Python
 * files look like in practice:
 *
 *   # comment
 *   name = "guest"             strings in "..." or '...' (C escapes),
 *   memory = 1024              or """...""" / '''...''' over several lines
 *   vif = [ 'bridge=xenbr0',   lists in [ ... ], over several lines,
 *           'bridge=xenbr1', ] with comments and a trailing comma;
 *   vcpus = 2; maxvcpus = 4    ';' or a newline ends a setting
 *   extra += " quiet"          '+=' appends to a string or list
 *
 * A name assigned twice keeps its first position and takes the last value
 * (as xl does).  Everything is bounded: see the XVM_XEN_CONF_MAX_* limits.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* Limits of what the parser accepts; larger inputs are refused with
 * VIR_ERR_CONF_SYNTAX and the line where the limit was crossed. */
#define XVM_XEN_CONF_MAX_BYTES     (1024 * 1024) /* whole file */
#define XVM_XEN_CONF_MAX_SETTINGS  1024          /* distinct names */
#define XVM_XEN_CONF_MAX_NAME      64            /* bytes in a name */
#define XVM_XEN_CONF_MAX_STRING    8192          /* bytes in one decoded string */
#define XVM_XEN_CONF_MAX_LIST      1024          /* items in one list */
#define XVM_XEN_CONF_MAX_DEPTH     4             /* nesting of lists */

typedef enum {
    XVM_XEN_CONF_STRING,
    XVM_XEN_CONF_NUMBER,
    XVM_XEN_CONF_LIST,
} xvmXenConfType;

typedef struct _xvmXenConfValue xvmXenConfValue;
struct _xvmXenConfValue {
    xvmXenConfType type;
    unsigned int line;  /* where the value starts; 0 for values built in memory */
    char *str;          /* STRING: decoded text; NUMBER: the token as written */
    gint64 num;         /* NUMBER */
    GPtrArray *items;   /* LIST: of xvmXenConfValue * */
};

typedef struct _xvmXenConfSetting {
    char *name;
    unsigned int line;
    xvmXenConfValue *value;
} xvmXenConfSetting;

typedef struct _xvmXenConf {
    char *source;         /* name used in messages ("guest.cfg") */
    GPtrArray *settings;  /* of xvmXenConfSetting *, in order of first assignment */
    GHashTable *index;    /* name -> xvmXenConfSetting * (borrowed) */
} xvmXenConf;

xvmXenConf *xvmXenConfNew(const char *source);
void xvmXenConfFree(xvmXenConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmXenConf, xvmXenConfFree)

xvmXenConfValue *xvmXenConfValueNewString(const char *str);
xvmXenConfValue *xvmXenConfValueNewNumber(gint64 num);
xvmXenConfValue *xvmXenConfValueNewList(void);
void xvmXenConfValueFree(xvmXenConfValue *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xvmXenConfValue, xvmXenConfValueFree)

/* Parses @len bytes of @data (need not be NUL-terminated).  @source names
 * the input in messages (NULL: "config").  Errors: XVM_CONF_ERROR,
 * VIR_ERR_CONF_SYNTAX, message "SOURCE:LINE: what". */
xvmXenConf *xvmXenConfParse(const char *data, gsize len, const char *source,
                            GError **error);

/* Reads and parses a file, refusing files over XVM_XEN_CONF_MAX_BYTES
 * without reading them whole. */
xvmXenConf *xvmXenConfParseFile(const char *path, GError **error);

/* Adds or replaces a setting; takes ownership of @value. */
void xvmXenConfSet(xvmXenConf *conf, const char *name, xvmXenConfValue *value);
void xvmXenConfSetString(xvmXenConf *conf, const char *name, const char *str);
void xvmXenConfSetNumber(xvmXenConf *conf, const char *name, gint64 num);
/* A list of strings; @items NULL-terminated. */
void xvmXenConfSetStringList(xvmXenConf *conf, const char *name,
                             const char *const *items);
/* Appends @str to the list @list. */
void xvmXenConfListAppendString(xvmXenConfValue *list, const char *str);

const xvmXenConfSetting *xvmXenConfLookup(const xvmXenConf *conf, const char *name);
const xvmXenConfValue *xvmXenConfGet(const xvmXenConf *conf, const char *name);

/* Typed getters: return 1 if the setting exists and was converted, 0 if it
 * is absent (outputs untouched), -1 on a value of the wrong kind
 * (XVM_CONF_ERROR, VIR_ERR_INTERNAL_ERROR as libvirt's "config value %s
 * was malformed", with the file and line). */
int xvmXenConfGetString(const xvmXenConf *conf, const char *name,
                        char **out, GError **error);
int xvmXenConfGetUInt64(const xvmXenConf *conf, const char *name,
                        guint64 *out, GError **error);
int xvmXenConfGetInt64(const xvmXenConf *conf, const char *name,
                       gint64 *out, GError **error);
int xvmXenConfGetBool(const xvmXenConf *conf, const char *name,
                      gboolean *out, GError **error);
/* A list of strings; a single string is accepted as a one-item list when
 * @allow_string. */
int xvmXenConfGetStringList(const xvmXenConf *conf, const char *name,
                            gboolean allow_string, GStrv *out, GError **error);

/* Reports a bad value of setting @name (with its line) in @error. */
void xvmXenConfSetError(GError **error, const xvmXenConf *conf, const char *name,
                        int code, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Writes the settings in order, one "name = value" line each: strings in
 * double quotes (single quotes when that avoids escapes), lists as
 * [ "a", "b" ].  The output parses back to the same tree. */
char *xvmXenConfFormat(const xvmXenConf *conf);
