/* knowledge.c — knowledge articles and one-step consultations (domain layer). */
#include "knowledge.h"

#include <string.h>

#include "base/text.h"
#include "core/perm.h"
#include "core/workflow.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* clang-format off */
static const struct field article_fields[] = {
    [ARTICLE_TITLE] =     {"title",     F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 300,   "article.title"},
    [ARTICLE_BODY] =      {"body",      F_TEXT, F_REQUIRED | F_SEARCH | F_MULTILINE,      20000, "article.body"},
    [ARTICLE_TAGS] =      {"tags",      F_TEXT, F_SEARCH | F_LIST,                        300,   "article.tags"},
    [ARTICLE_MODEL_ID] =  {"model_id",  F_REF,  F_FILTER | F_LIST,                        0,     "article.model", .ref = &entity_equipment_models},
    [ARTICLE_CATEGORY] =  {"category",  F_TEXT, F_FILTER | F_SEARCH | F_LIST,             100,   "article.category"},
    [ARTICLE_PUBLISHED] = {"published", F_BOOL, F_FILTER | F_LIST,                        0,     "article.published", .def = "true"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(article_fields, ARTICLE__COUNT),
               "one entry per value of enum article_field");

const struct entity entity_articles = {
    .name = "articles",
    .table = "articles",
    .label = "entity.articles",
    .fields = article_fields,
    .display_sql = "title",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_REQUESTS_WRITE,
    .perm_delete = P_REQUESTS_ASSIGN,
};

/* clang-format off */
static const struct field article_model_fields[] = {
    [ARTMODEL_ARTICLE_ID] = {"article_id", F_REF, F_REQUIRED | F_FILTER | F_LIST | F_CREATE_ONLY, 0, "article_model.article", .ref = &entity_articles},
    [ARTMODEL_MODEL_ID] =   {"model_id",   F_REF, F_REQUIRED | F_FILTER | F_LIST | F_UNIQUE,      0, "article_model.model", .ref = &entity_equipment_models, .unique_with = "article_id"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(article_model_fields, ARTMODEL__COUNT),
               "one entry per value of enum article_model_field");

/* The further models an article applies to (besides its own model_id). */
const struct entity entity_article_models = {
    .name = "article_models",
    .table = "article_models",
    .label = "entity.article_models",
    .fields = article_model_fields,
    .display_sql =
        "(SELECT m.brand || ' ' || m.model FROM equipment_models m WHERE m.id = model_id)",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_REQUESTS_WRITE,
    .perm_delete = P_REQUESTS_WRITE,
};

enum err_code knowledge_suggest(struct ctx *cx, int64_t request_id, struct record ***out, int *n)
{
    /* articles on the request's equipment model or its category, newest first */
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT a.id\n"
             "FROM requests r\n"
             "JOIN equipment_units u ON u.id = r.unit_id\n"
             "JOIN equipment_models m ON m.id = u.model_id\n"
             "JOIN articles a ON a.published = 1\n"
             "  AND (a.model_id = m.id\n"
             "       OR EXISTS (SELECT 1 FROM article_models am\n"
             "                  WHERE am.article_id = a.id AND am.model_id = m.id)\n"
             "       OR (a.model_id IS NULL AND a.category = m.category))\n"
             "WHERE r.id = $1\n"
             "ORDER BY a.model_id IS NULL AND NOT EXISTS\n"
             "           (SELECT 1 FROM article_models am\n"
             "            WHERE am.article_id = a.id AND am.model_id = m.id),\n"
             "         a.id DESC\n"
             "LIMIT 10",
             "i", request_id);
    if (!st)
        return cx->err.code;
    int64_t ids[10];
    int count = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && count < 10)
        ids[count++] = db_col_i64(st, 0);
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    struct record **recs = arena_alloc(cx->a, sizeof(*recs) * (size_t)(count + 1));
    for (int i = 0; i < count; i++)
        if ((rc = entity_get(cx, &entity_articles, ids[i], &recs[i])) != ERR_OK)
            return rc;
    *out = recs;
    *n = count;
    return ERR_OK;
}

static void setv(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static enum err_code consult_tx(struct ctx *cx, const struct consultation *c, struct record **out)
{
    struct record *in = record_new(cx, &entity_requests), *req;
    setv(in, REQ_TYPE, "consultation");
    setv(in, REQ_CHANNEL, c->channel ? c->channel : "phone");
    setv(in, REQ_SUBJECT, c->question);
    struct value *v = rec_set(in, REQ_CLIENT_ID);
    v->set = true, v->null = c->client_id == 0, v->i = c->client_id;
    if (cx->user && cx->user->id) {
        /* taken by whoever answered it: no routing */
        v = rec_set(in, REQ_ASSIGNEE_ID);
        v->set = true, v->null = false, v->i = cx->user->id;
    }
    if (c->unit_id) {
        v = rec_set(in, REQ_UNIT_ID);
        v->set = true, v->null = false, v->i = c->unit_id;
    }
    enum err_code rc = entity_create(cx, &entity_requests, in, &req);
    if (rc != ERR_OK)
        return rc;
    int64_t ev;
    if ((rc = request_comment(cx, req->id, c->answer, true, &ev)) != ERR_OK)
        return rc;
    /* a consultation is answered on the spot: it goes through the workflow
     * to closed, so its audit and timeline read like any other request */
    static const char *const path[] = {"start", "resolve", "close"};
    for (int i = 0; i < 3; i++) {
        struct record *next;
        if ((rc = workflow_run(cx, &request_workflow, req->id, req->version, path[i], NULL,
                               &next)) != ERR_OK)
            return rc;
        req = next;
    }
    struct record *patch = record_new(cx, &entity_requests);
    v = rec_set(patch, REQ_DURATION_MINUTES);
    v->set = true, v->null = false, v->i = c->duration_minutes;
    return entity_update_as(cx, &entity_requests, req->id, req->version, patch, "update", out);
}

enum err_code knowledge_consultation(struct ctx *cx, const struct consultation *c,
                                     struct record **out)
{
    if (!c->answer || text_blank(c->answer))
        err_field(&cx->err, "answer", "required");
    if (!c->question || text_blank(c->question))
        err_field(&cx->err, "question", "required");
    if (c->duration_minutes < 0 || c->duration_minutes > 600)
        err_field(&cx->err, "duration_minutes", "too_large");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    rc = consult_tx(cx, c, out);
    if (rc == ERR_INVALID) {
        /* the request's own field names are the form's */
        for (int i = 0; i < cx->err.nfields; i++)
            if (!strcmp(cx->err.fields[i].name, "subject"))
                cx->err.fields[i].name = "question";
            else if (!strcmp(cx->err.fields[i].name, "body"))
                cx->err.fields[i].name = "answer";
    }
    return db_end_own(cx->db, &cx->err, own, rc);
}
