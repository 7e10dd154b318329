/*
 * xen_config_lexer.c: parser of the xl.cfg / xm file syntax into the tree
 * of xen_config.h.  Hand-written, single pass, bounded in every dimension
 * (file size, number of settings, name and string length, list length and
 * depth); every error carries the line number.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "domain_conf.h"
#include "xen_config.h"

typedef struct {
    const char *p;
    const char *end;
    unsigned int line;
    const char *source;
    GError **error;
} xvmXenLexer;

static gboolean G_GNUC_PRINTF(2, 3)
lexError(xvmXenLexer *lx, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (lx->error && !*lx->error)
        g_set_error(lx->error, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX,
                    "%s:%u: %s", lx->source, lx->line, msg);
    return FALSE;
}

/* A short, printable rendering of the text at the cursor, for messages. */
static char *
lexNear(const xvmXenLexer *lx)
{
    GString *s = g_string_new(NULL);
    const char *q;

    for (q = lx->p; q < lx->end && s->len < 16 && *q != '\n'; q++) {
        unsigned char c = *q;
        if (c >= 0x20 && c < 0x7f)
            g_string_append_c(s, c);
        else
            g_string_append_printf(s, "\\x%02x", c);
    }
    if (s->len == 0)
        g_string_append(s, lx->p < lx->end ? _("end of line") : _("end of file"));
    return g_string_free(s, FALSE);
}

static gboolean
lexEOF(const xvmXenLexer *lx)
{
    return lx->p >= lx->end;
}

/* Spaces, tabs and carriage returns. */
static void
lexSkipBlanks(xvmXenLexer *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
        lx->p++;
}

static void
lexSkipComment(xvmXenLexer *lx)
{
    while (lx->p < lx->end && *lx->p != '\n')
        lx->p++;
}

/* Blanks, comments and newlines: the space between list items. */
static void
lexSkipSpace(xvmXenLexer *lx)
{
    for (;;) {
        lexSkipBlanks(lx);
        if (lexEOF(lx))
            return;
        if (*lx->p == '#') {
            lexSkipComment(lx);
        } else if (*lx->p == '\n') {
            lx->line++;
            lx->p++;
        } else {
            return;
        }
    }
}

static gboolean
isNameStart(char c)
{
    return g_ascii_isalpha(c) || c == '_';
}

static gboolean
isNameChar(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '.';
}

static char *
lexName(xvmXenLexer *lx)
{
    const char *start = lx->p;

    while (lx->p < lx->end && isNameChar(*lx->p)) {
        lx->p++;
        if (lx->p - start > XVM_XEN_CONF_MAX_NAME) {
            lexError(lx, _("setting name longer than %d bytes"), XVM_XEN_CONF_MAX_NAME);
            return NULL;
        }
    }
    return g_strndup(start, lx->p - start);
}

static int
hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* After a backslash inside a string: decodes one escape as libxlutil does
 * (\\ \' \" \a \b \f \n \r \t \v, \xHH, \OOO octal). */
static gboolean
lexEscape(xvmXenLexer *lx, GString *out)
{
    char c;

    if (lexEOF(lx) || *lx->p == '\n')
        return lexError(lx, _("unterminated string"));
    c = *lx->p++;
    switch (c) {
    case '"': case '\'': case '\\':
        g_string_append_c(out, c);
        return TRUE;
    case 'a': g_string_append_c(out, '\a'); return TRUE;
    case 'b': g_string_append_c(out, '\b'); return TRUE;
    case 'f': g_string_append_c(out, '\f'); return TRUE;
    case 'n': g_string_append_c(out, '\n'); return TRUE;
    case 'r': g_string_append_c(out, '\r'); return TRUE;
    case 't': g_string_append_c(out, '\t'); return TRUE;
    case 'v': g_string_append_c(out, '\v'); return TRUE;
    case 'x': {
        int hi, lo;
        if (lx->end - lx->p < 2 ||
            (hi = hexDigit(lx->p[0])) < 0 || (lo = hexDigit(lx->p[1])) < 0)
            return lexError(lx, _("invalid hexadecimal escape in quoted string (\\x needs two hex digits)"));
        lx->p += 2;
        if (hi == 0 && lo == 0)
            return lexError(lx, _("NUL character escape in quoted string"));
        g_string_append_c(out, (char)(hi * 16 + lo));
        return TRUE;
    }
    default:
        if (c >= '0' && c <= '7') {
            unsigned int v = c - '0';
            int n;
            for (n = 1; n < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7'; n++)
                v = v * 8 + (*lx->p++ - '0');
            if (v == 0 || v > 0xff)
                return lexError(lx, _("invalid octal escape in quoted string"));
            g_string_append_c(out, (char)v);
            return TRUE;
        }
        lx->p--;
        return lexError(lx, _("invalid character after backslash in quoted string"));
    }
}

static xvmXenConfValue *
lexString(xvmXenLexer *lx)
{
    char quote = *lx->p;
    gboolean triple = FALSE;
    unsigned int startLine = lx->line;
    g_autoptr(GString) buf = g_string_new(NULL);
    xvmXenConfValue *val;

    if (lx->end - lx->p >= 3 && lx->p[1] == quote && lx->p[2] == quote) {
        triple = TRUE;
        lx->p += 3;
    } else {
        lx->p++;
    }

    for (;;) {
        char c;

        if (lexEOF(lx)) {
            lx->line = startLine;
            return lexError(lx, _("unterminated string")), NULL;
        }
        c = *lx->p;
        if (c == quote) {
            if (!triple) {
                lx->p++;
                break;
            }
            if (lx->end - lx->p >= 3 && lx->p[1] == quote && lx->p[2] == quote) {
                lx->p += 3;
                break;
            }
            g_string_append_c(buf, c);
            lx->p++;
        } else if (c == '\n') {
            if (!triple)
                return lexError(lx, _("unterminated string")), NULL;
            g_string_append_c(buf, c);
            lx->line++;
            lx->p++;
        } else if (c == '\\') {
            lx->p++;
            if (!lexEscape(lx, buf))
                return NULL;
        } else if (c == '\0') {
            return lexError(lx, _("NUL character in quoted string")), NULL;
        } else {
            g_string_append_c(buf, c);
            lx->p++;
        }
        if (buf->len > XVM_XEN_CONF_MAX_STRING)
            return lexError(lx, _("string longer than %d bytes"), XVM_XEN_CONF_MAX_STRING), NULL;
    }

    if (!g_utf8_validate(buf->str, buf->len, NULL)) {
        lx->line = startLine;
        return lexError(lx, _("string is not valid UTF-8")), NULL;
    }

    val = xvmXenConfValueNewString(buf->str);
    val->line = startLine;
    return val;
}

/* Numbers as libxlutil reads them (strtol base 0: 10, 0x1f, 017), with an
 * optional sign as libvirt's reader allows. */
static xvmXenConfValue *
lexNumber(xvmXenLexer *lx)
{
    const char *start = lx->p;
    g_autofree char *tok = NULL;
    const char *digits;
    gboolean neg = FALSE;
    guint64 mag = 0;
    guint base = 10;
    const char *q;
    xvmXenConfValue *val;

    if (*lx->p == '-' || *lx->p == '+') {
        neg = *lx->p == '-';
        lx->p++;
    }
    if (lexEOF(lx) || !g_ascii_isdigit(*lx->p))
        return lexError(lx, _("expecting a value")), NULL;
    while (lx->p < lx->end && (g_ascii_isalnum(*lx->p) || *lx->p == '_' || *lx->p == '.')) {
        lx->p++;
        if (lx->p - start > 32)
            return lexError(lx, _("number too long")), NULL;
    }
    tok = g_strndup(start, lx->p - start);
    digits = tok + (tok[0] == '-' || tok[0] == '+');

    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits += 2;
    } else if (digits[0] == '0' && digits[1] != '\0') {
        base = 8;
        digits += 1;
    }
    if (*digits == '\0')
        return lexError(lx, _("malformed number '%s'"), tok), NULL;
    for (q = digits; *q; q++) {
        int d = hexDigit(*q);
        if (d < 0 || (guint)d >= base)
            return lexError(lx, _("malformed number '%s'"), tok), NULL;
        if (mag > (G_MAXUINT64 - d) / base)
            return lexError(lx, _("number '%s' out of range"), tok), NULL;
        mag = mag * base + d;
    }
    if ((!neg && mag > G_MAXINT64) || (neg && mag > (guint64)G_MAXINT64 + 1))
        return lexError(lx, _("number '%s' out of range"), tok), NULL;

    val = g_new0(xvmXenConfValue, 1);
    val->type = XVM_XEN_CONF_NUMBER;
    val->line = lx->line;
    val->num = neg ? (gint64)(0 - mag) : (gint64)mag;
    val->str = g_steal_pointer(&tok);
    return val;
}

static xvmXenConfValue *lexValue(xvmXenLexer *lx, unsigned int depth);

static xvmXenConfValue *
lexList(xvmXenLexer *lx, unsigned int depth)
{
    g_autoptr(xvmXenConfValue) list = xvmXenConfValueNewList();

    list->line = lx->line;
    if (depth >= XVM_XEN_CONF_MAX_DEPTH)
        return lexError(lx, _("lists nested deeper than %d levels"), XVM_XEN_CONF_MAX_DEPTH), NULL;
    lx->p++; /* '[' */

    for (;;) {
        xvmXenConfValue *item;

        lexSkipSpace(lx);
        if (lexEOF(lx)) {
            lx->line = list->line;
            return lexError(lx, _("unterminated list (missing ']')")), NULL;
        }
        if (*lx->p == ']') {
            lx->p++;
            break;
        }
        if (list->items->len >= XVM_XEN_CONF_MAX_LIST)
            return lexError(lx, _("list with more than %d items"), XVM_XEN_CONF_MAX_LIST), NULL;
        if (!(item = lexValue(lx, depth + 1)))
            return NULL;
        g_ptr_array_add(list->items, item);

        lexSkipSpace(lx);
        if (lexEOF(lx)) {
            lx->line = list->line;
            return lexError(lx, _("unterminated list (missing ']')")), NULL;
        }
        if (*lx->p == ',') {
            lx->p++;
        } else if (*lx->p != ']') {
            g_autofree char *near = lexNear(lx);
            return lexError(lx, _("expecting ',' or ']' in list, found '%s'"), near), NULL;
        }
    }
    return g_steal_pointer(&list);
}

static xvmXenConfValue *
lexValue(xvmXenLexer *lx, unsigned int depth)
{
    char c;

    if (lexEOF(lx))
        return lexError(lx, _("expecting a value")), NULL;
    c = *lx->p;
    if (c == '"' || c == '\'')
        return lexString(lx);
    if (c == '[')
        return lexList(lx, depth);
    if (g_ascii_isdigit(c) || c == '-' || c == '+')
        return lexNumber(lx);
    {
        g_autofree char *near = lexNear(lx);
        return lexError(lx, _("expecting a value (a quoted string, a number or a list), found '%s'"),
                        near), NULL;
    }
}

/* "name += value": strings concatenate, lists extend (libxlutil's rule). */
static gboolean
lexAppend(xvmXenLexer *lx, xvmXenConf *conf, const char *name, xvmXenConfValue *val)
{
    xvmXenConfSetting *set = g_hash_table_lookup(conf->index, name);
    xvmXenConfValue *prev;

    if (!set) {
        xvmXenConfSet(conf, name, val);
        return TRUE;
    }
    prev = set->value;
    if (prev->type == XVM_XEN_CONF_LIST && val->type == XVM_XEN_CONF_LIST) {
        guint i;
        if (prev->items->len + val->items->len > XVM_XEN_CONF_MAX_LIST) {
            xvmXenConfValueFree(val);
            return lexError(lx, _("list with more than %d items"), XVM_XEN_CONF_MAX_LIST);
        }
        for (i = 0; i < val->items->len; i++)
            g_ptr_array_add(prev->items, g_ptr_array_index(val->items, i));
        g_ptr_array_set_free_func(val->items, NULL);
        xvmXenConfValueFree(val);
        return TRUE;
    }
    if (prev->type == XVM_XEN_CONF_STRING && val->type == XVM_XEN_CONF_STRING) {
        char *joined;
        if (strlen(prev->str) + strlen(val->str) > XVM_XEN_CONF_MAX_STRING) {
            xvmXenConfValueFree(val);
            return lexError(lx, _("string longer than %d bytes"), XVM_XEN_CONF_MAX_STRING);
        }
        joined = g_strconcat(prev->str, val->str, NULL);
        g_free(prev->str);
        prev->str = joined;
        xvmXenConfValueFree(val);
        return TRUE;
    }
    xvmXenConfValueFree(val);
    return lexError(lx, _("'+=' on '%s' needs two strings or two lists"), name);
}

xvmXenConf *
xvmXenConfParse(const char *data, gsize len, const char *source, GError **error)
{
    g_autoptr(xvmXenConf) conf = xvmXenConfNew(source);
    xvmXenLexer lx = {
        .p = data, .end = data + len, .line = 1,
        .source = conf->source, .error = error,
    };

    if (len > XVM_XEN_CONF_MAX_BYTES) {
        g_set_error(error, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX,
                    _("%s: configuration of %" G_GSIZE_FORMAT " bytes is larger than the limit of %d bytes"),
                    conf->source, len, XVM_XEN_CONF_MAX_BYTES);
        return NULL;
    }
    if (len && !data) {
        lx.end = lx.p;
    }

    for (;;) {
        g_autofree char *name = NULL;
        unsigned int nameLine;
        gboolean append = FALSE;
        xvmXenConfValue *val;

        lexSkipBlanks(&lx);
        if (lexEOF(&lx))
            break;
        if (*lx.p == '#') {
            lexSkipComment(&lx);
            continue;
        }
        if (*lx.p == '\n') {
            lx.line++;
            lx.p++;
            continue;
        }
        if (*lx.p == ';') {
            lx.p++;
            continue;
        }
        if (!isNameStart(*lx.p)) {
            g_autofree char *near = lexNear(&lx);
            lexError(&lx, _("expecting a setting name, found '%s'"), near);
            return NULL;
        }
        nameLine = lx.line;
        if (!(name = lexName(&lx)))
            return NULL;

        lexSkipBlanks(&lx);
        if (!lexEOF(&lx) && *lx.p == '=') {
            lx.p++;
        } else if (lx.end - lx.p >= 2 && lx.p[0] == '+' && lx.p[1] == '=') {
            append = TRUE;
            lx.p += 2;
        } else {
            g_autofree char *near = lexNear(&lx);
            lexError(&lx, _("expecting '=' after '%s', found '%s'"), name, near);
            return NULL;
        }

        lexSkipBlanks(&lx);
        if (lexEOF(&lx) || *lx.p == '\n' || *lx.p == '#' || *lx.p == ';') {
            lexError(&lx, _("expecting a value for '%s'"), name);
            return NULL;
        }
        if (!(val = lexValue(&lx, 0)))
            return NULL;

        lexSkipBlanks(&lx);
        if (!lexEOF(&lx) && *lx.p != '\n' && *lx.p != '#' && *lx.p != ';') {
            g_autofree char *near = lexNear(&lx);
            xvmXenConfValueFree(val);
            lexError(&lx, _("expecting a newline or ';' after the value of '%s', found '%s'"),
                     name, near);
            return NULL;
        }

        if (!g_hash_table_contains(conf->index, name) &&
            conf->settings->len >= XVM_XEN_CONF_MAX_SETTINGS) {
            xvmXenConfValueFree(val);
            lx.line = nameLine;
            lexError(&lx, _("more than %d settings"), XVM_XEN_CONF_MAX_SETTINGS);
            return NULL;
        }
        if (append) {
            if (!lexAppend(&lx, conf, name, val))
                return NULL;
        } else {
            xvmXenConfSet(conf, name, val);
        }
        ((xvmXenConfSetting *)g_hash_table_lookup(conf->index, name))->line = nameLine;
    }

    return g_steal_pointer(&conf);
}

xvmXenConf *
xvmXenConfParseFile(const char *path, GError **error)
{
    FILE *fp;
    g_autofree char *buf = NULL;
    g_autofree char *base = NULL;
    size_t n;
    struct stat st;
    int saved;

    if (!(fp = fopen(path, "re"))) {
        saved = errno;
        g_set_error(error, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR,
                    _("cannot open '%s': %s"), path, g_strerror(saved));
        return NULL;
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > XVM_XEN_CONF_MAX_BYTES) {
        fclose(fp);
        g_set_error(error, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX,
                    _("%s: configuration of %lld bytes is larger than the limit of %d bytes"),
                    path, (long long)st.st_size, XVM_XEN_CONF_MAX_BYTES);
        return NULL;
    }
    /* Read at most one byte past the limit: enough to refuse a pipe or a
     * growing file without holding all of it. */
    buf = g_malloc(XVM_XEN_CONF_MAX_BYTES + 1);
    n = fread(buf, 1, XVM_XEN_CONF_MAX_BYTES + 1, fp);
    if (ferror(fp)) {
        saved = errno;
        fclose(fp);
        g_set_error(error, XVM_CONF_ERROR, VIR_ERR_SYSTEM_ERROR,
                    _("cannot read '%s': %s"), path, g_strerror(saved));
        return NULL;
    }
    fclose(fp);
    if (n > XVM_XEN_CONF_MAX_BYTES) {
        g_set_error(error, XVM_CONF_ERROR, VIR_ERR_CONF_SYNTAX,
                    _("%s: configuration is larger than the limit of %d bytes"),
                    path, XVM_XEN_CONF_MAX_BYTES);
        return NULL;
    }
    base = g_path_get_basename(path);
    return xvmXenConfParse(buf, n, base, error);
}
