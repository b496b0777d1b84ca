/* knowledge.h — knowledge articles (answers reused in replies, suggested for
 * a request's equipment) and consultations logged in one step (domain layer). */
#ifndef SERVITOR_KNOWLEDGE_H
#define SERVITOR_KNOWLEDGE_H

#include "core/entity.h"

extern const struct entity entity_articles;
extern const struct entity entity_article_models;

/* Published articles for the equipment model of a request, or for its
 * category: at most 10, the model's own first. Arena-owned. */
enum err_code knowledge_suggest(struct ctx *cx, int64_t request_id, struct record ***out, int *n);

struct consultation {
    int64_t client_id;   /* 0: an unknown caller */
    int64_t unit_id;     /* 0: none */
    const char *channel; /* NULL: phone */
    const char *question;
    const char *answer;
    int64_t duration_minutes;
};

/* Logs a consultation: a request of type consultation with the question as
 * subject, the answer as a public reply, taken through start, resolve and
 * close at once, with its length. One transaction. */
enum err_code knowledge_consultation(struct ctx *cx, const struct consultation *c,
                                     struct record **out);

/* The fields of an article, in the order of its table (knowledge.c). */
enum article_field {
    ARTICLE_TITLE,
    ARTICLE_BODY,
    ARTICLE_TAGS,
    ARTICLE_MODEL_ID,
    ARTICLE_CATEGORY,
    ARTICLE_PUBLISHED,
    ARTICLE__COUNT
};

/* The fields of an article's model, in the order of its table (knowledge.c). */
enum article_model_field { ARTMODEL_ARTICLE_ID, ARTMODEL_MODEL_ID, ARTMODEL__COUNT };

#endif
