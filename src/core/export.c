/* export.c — tables written out as CSV or XLSX files (core layer); see
 * export.h. The file is written as rows come and sent from disk: memory
 * stays the same whatever the number of rows. */
#include "core/export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/settings.h"
#include "core/entity.h"
#include "base/banned.h"

enum export_format export_format_of(const char *name)
{
    return !name                   ? EXPORT_NONE
           : !strcmp(name, "csv")  ? EXPORT_CSV
           : !strcmp(name, "xlsx") ? EXPORT_XLSX
                                   : EXPORT_NONE;
}

const char *export_content_type(enum export_format f)
{
    return f == EXPORT_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            : "text/csv; charset=utf-8";
}

const char *export_extension(enum export_format f) { return f == EXPORT_XLSX ? "xlsx" : "csv"; }

int64_t export_max_rows(void) { return setting_int(SET_EXPORT_MAX_ROWS); }

enum err_code export_open(struct ctx *cx, enum export_format f, const char *sheet,
                          struct export *ex)
{
    memset(ex, 0, sizeof(*ex));
    ex->format = f;
    char *path = arena_printf(cx->a, "%s/servitor-export-XXXXXX", settings_tmpdir());
    int fd = mkstemp(path);
    if (fd < 0)
        return ctx_fail(cx, ERR_INTERNAL, "cannot make a temporary file: %s", strerror(errno));
    if (f == EXPORT_CSV) {
        unlink(path); /* gone when closed, whatever happens */
        ex->csv = fdopen(fd, "w+");
        if (!ex->csv) {
            close(fd);
            return ctx_fail(cx, ERR_INTERNAL, "cannot open a temporary file");
        }
        fputs("\xEF\xBB\xBF", ex->csv); /* BOM: spreadsheets then read UTF-8 */
        return ERR_OK;
    }
    close(fd);
    ex->path = path;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)settings_tmpdir()};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
    if (!ws) {
        if (wb)
            workbook_close(wb);
        unlink(path);
        return ctx_fail(cx, ERR_INTERNAL, "cannot start a workbook");
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_freeze_panes(ws, 1, 0);
    ex->workbook = wb;
    ex->sheet = ws;
    ex->bold = bold;
    return ERR_OK;
}

static void csv_sep(struct export *ex)
{
    if (ex->col++)
        fputc(',', ex->csv);
}

static void cell_text(struct export *ex, const char *s, bool header)
{
    if (ex->format == EXPORT_CSV) {
        csv_sep(ex);
        if (!s)
            return;
        /* quoted when it must be; text a spreadsheet would take for a
         * formula (=…, @…, +/- not before a digit: phones stay as they are)
         * gets a leading apostrophe */
        bool quote = strpbrk(s, ",\"\r\n") != NULL;
        bool formula = s[0] == '=' || s[0] == '@' ||
                       ((s[0] == '+' || s[0] == '-') && !(s[1] >= '0' && s[1] <= '9'));
        if (quote || formula)
            fputc('"', ex->csv);
        if (formula)
            fputc('\'', ex->csv);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', ex->csv);
            fputc(*p, ex->csv);
        }
        if (quote || formula)
            fputc('"', ex->csv);
        return;
    }
    if (s && *s)
        worksheet_write_string(ex->sheet, ex->row, ex->col, s, header ? ex->bold : NULL);
    ex->col++;
}

void export_header(struct export *ex, const char *s) { cell_text(ex, s, true); }

void export_text(struct export *ex, const char *s) { cell_text(ex, s, false); }

void export_int(struct export *ex, int64_t v)
{
    if (ex->format == EXPORT_CSV) {
        csv_sep(ex);
        fprintf(ex->csv, "%lld", (long long)v);
        return;
    }
    worksheet_write_number(ex->sheet, ex->row, ex->col++, (double)v, NULL);
}

void export_number(struct export *ex, double v)
{
    if (ex->format == EXPORT_CSV) {
        csv_sep(ex);
        fprintf(ex->csv, "%.2f", v);
        return;
    }
    worksheet_write_number(ex->sheet, ex->row, ex->col++, v, NULL);
}

void export_row_end(struct export *ex)
{
    if (ex->format == EXPORT_CSV)
        fputs("\r\n", ex->csv);
    if (ex->row > 0)
        ex->rows++;
    ex->row++;
    ex->col = 0;
}

enum err_code export_finish(struct ctx *cx, struct export *ex, int *fd, uint64_t *size)
{
    int out = -1;
    if (ex->format == EXPORT_CSV) {
        bool ok = fflush(ex->csv) == 0 && !ferror(ex->csv);
        out = ok ? dup(fileno(ex->csv)) : -1;
        fclose(ex->csv);
        ex->csv = NULL;
    } else {
        lxw_error e = workbook_close(ex->workbook);
        ex->workbook = NULL;
        out = e == LXW_NO_ERROR ? open(ex->path, O_RDONLY | O_CLOEXEC) : -1;
        unlink(ex->path);
    }
    struct stat stt;
    if (out < 0 || fstat(out, &stt) != 0 || lseek(out, 0, SEEK_SET) != 0) {
        if (out >= 0)
            close(out);
        return ctx_fail(cx, ERR_INTERNAL, "cannot write the export");
    }
    *fd = out;
    *size = (uint64_t)stt.st_size;
    return ERR_OK;
}

void export_abort(struct export *ex)
{
    if (ex->csv)
        fclose(ex->csv);
    if (ex->workbook) {
        workbook_close(ex->workbook);
        unlink(ex->path);
    }
    ex->csv = NULL;
    ex->workbook = NULL;
}

static void list_header(struct export *ex, const struct entity *ent, struct arena *a)
{
    export_header(ex, "id");
    export_header(ex, "created_at");
    export_header(ex, "updated_at");
    for (const struct field *f = ent->fields; f->name; f++) {
        if (f->type == F_PASSWORD)
            continue;
        export_header(ex, f->name);
        if (f->type == F_REF)
            export_header(ex, arena_printf(a, "%s_label", f->name));
    }
    export_row_end(ex);
}

static void list_row(struct export *ex, const struct record *rec)
{
    export_int(ex, rec->id);
    export_text(ex, rec->created_at);
    export_text(ex, rec->updated_at);
    for (int i = 0; rec->ent->fields[i].name; i++) {
        const struct field *f = &rec->ent->fields[i];
        const struct value *v = &rec->v[i];
        if (f->type == F_PASSWORD)
            continue;
        bool none = !v->set || v->null;
        if (none)
            export_text(ex, NULL);
        else if (f->type == F_INT || f->type == F_REF || f->type == F_BOOL)
            export_int(ex, v->i);
        else
            export_text(ex, v->s);
        if (f->type == F_REF)
            export_text(ex, rec->labels && !none ? rec->labels[i] : NULL);
    }
    export_row_end(ex);
}

enum err_code export_list(struct ctx *cx, const struct entity *ent, struct listq *lq,
                          struct export *ex)
{
    list_header(ex, ent, cx->a);
    int64_t max = export_max_rows();
    struct arena page, *request = cx->a;
    arena_init(&page, 64 * 1024);
    enum err_code rc = ERR_OK;
    lq->limit = LISTQ_MAX_LIMIT;
    for (;;) {
        struct record **items;
        int n;
        const char *next;
        cx->a = &page; /* what a page reads is freed before the next */
        rc = entity_list(cx, ent, lq, &items, &n, &next);
        cx->a = request;
        if (rc != ERR_OK)
            break;
        if ((int64_t)ex->rows + n > max) {
            rc = ctx_fail(cx, ERR_TOOBIG,
                          "the list has more than %lld rows: narrow it with filters to export it",
                          (long long)max);
            break;
        }
        for (int i = 0; i < n; i++)
            list_row(ex, items[i]);
        if (!next)
            break;
        lq->cursor = arena_strdup(request, next);
        arena_reset(&page);
    }
    arena_free(&page);
    if (rc != ERR_OK)
        export_abort(ex);
    return rc;
}
