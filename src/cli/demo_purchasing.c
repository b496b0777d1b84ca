/* demo_purchasing.c — purchasing's part of `servitor demo` (cli layer):
 * three suppliers with their requisites (ИНН, КПП and ОГРН with valid check
 * digits, fictional), contacts and terms, and price lists covering most of
 * the demo catalog at different prices and lead times, a few prices
 * changed since (the history). Run once: a database that has suppliers
 * already keeps them. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/purchasing/purchasing.h"
#include "base/banned.h"

struct demo_supplier {
    const char *name, *inn, *kpp, *ogrn, *address, *phone, *email, *website;
    const char *terms;
    int64_t deferral, lead;
    const char *delivery, *contact, *position, *contact_phone;
    /* which parts it sells: categories (NULL: any), its SKU prefix, its
     * price against our usual purchase price (percent) and lead days */
    const char *categories[8];
    const char *sku_prefix;
    int percent, lead_days;
};

/* clang-format off */
static const struct demo_supplier suppliers[] = {
    {"ООО «КомпьютерСнаб»", "7728456137", "772801001", "1027700123450",
     "г. Москва, ул. Профсоюзная, д. 65, к. 1", "+74957201540", "opt@compsnab.example", "https://compsnab.example",
     "deferral", 14, 2, "Доставка до склада бесплатно от 15 000 ₽, иначе 500 ₽",
     "Ирина Соколова", "менеджер по работе с сервисными центрами", "+79167203311",
     {"Картриджи", "Фотобарабаны", "Фьюзеры", "Ролики", "Чернила", "Запчасти", "Печатающие головки", NULL},
     "", 95, 2},
    {"ООО «ТехЗапчасть»", "7814029675", "781401001", "1077847120988",
     "г. Санкт-Петербург, пр. Испытателей, д. 8, лит. А", "+78123094477", "zakaz@techzap.example", "https://techzap.example",
     "prepayment", 0, 3, "Самовывоз со склада или курьером (по тарифу перевозчика)",
     "Андрей Кузнецов", "отдел продаж", "+79219004561",
     {"Кофемашины: узлы", "Стиральные машины: узлы", "Подшипники", "Холодильники: узлы", "Аккумуляторы", "Щётки",
      "Расходные материалы", NULL},
     "TZ-", 97, 3},
    {"АО «Восток-Дистрибуция»", "5029031184", "502901001", "1155047003210",
     "Московская обл., г. Мытищи, Олимпийский пр-т, д. 29, стр. 3", "+74956401200", "b2b@vostok-dist.example", NULL,
     "on_delivery", 0, 6, "Доставка по графику: вторник и пятница",
     "Ольга Мельникова", "ведущий менеджер", "+79037712090",
     {NULL}, "VD", 106, 6},
};
/* clang-format on */

#define NSUP (sizeof(suppliers) / sizeof(suppliers[0]))

static void put(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static void put_i(struct record *r, int field, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = false;
    v->i = i;
}

static bool sells(const struct demo_supplier *s, const char *category)
{
    if (!s->categories[0])
        return true;
    for (int i = 0; s->categories[i]; i++)
        if (category && !strcmp(s->categories[i], category))
            return true;
    return false;
}

struct demo_part_row {
    int64_t id, price;
    const char *sku, *name, *category;
};

static enum err_code make_prices(struct ctx *cx, int k, int64_t supplier,
                                 const struct demo_part_row *p, int np, int *nprices)
{
    const struct demo_supplier *s = &suppliers[k];
    enum err_code rc = ERR_OK;
    for (int i = 0; i < np && rc == ERR_OK; i++) {
        /* the distributor lacks every fifth part */
        if (!sells(s, p[i].category) || (!s->categories[0] && i % 5 == 4))
            continue;
        struct record *in = record_new(cx, &entity_supplier_prices), *out;
        put_i(in, SPRICE_SUPPLIER_ID, supplier);
        put_i(in, SPRICE_PART_ID, p[i].id);
        put(in, SPRICE_SUPPLIER_SKU,
            !s->categories[0] ? arena_printf(cx->a, "VD%06lld", (long long)(104200 + p[i].id * 7))
                              : arena_printf(cx->a, "%s%s", s->sku_prefix, p[i].sku));
        put(in, SPRICE_SUPPLIER_NAME, p[i].name);
        /* rounded to whole roubles, varied a little by part */
        int64_t price = p[i].price * (s->percent + (int)(p[i].id % 4)) / 100 / 100 * 100;
        put_i(in, SPRICE_PRICE, price > 0 ? price : 100);
        if (p[i].price < 50000)
            put_i(in, SPRICE_MOQ, 5000); /* cheap things: from five */
        put_i(in, SPRICE_LEAD_DAYS, s->lead_days + (int)(p[i].id % 3));
        if ((rc = entity_create(cx, &entity_supplier_prices, in, &out)) != ERR_OK)
            break;
        (*nprices)++;
        if (i % 6 == 1) { /* repriced since: the history has the old price */
            struct record *patch = record_new(cx, &entity_supplier_prices), *upd;
            put_i(patch, SPRICE_PRICE, rec_get(out, SPRICE_PRICE)->i * 104 / 100);
            rc = entity_update(cx, &entity_supplier_prices, out->id, out->version, patch, &upd);
        }
    }
    return rc;
}

enum err_code demo_purchasing(struct ctx *cx)
{
    bool found;
    int64_t any;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &any, &found, "SELECT id FROM suppliers LIMIT 1", "");
    if (rc != ERR_OK || found)
        return rc;
    /* the catalog as the warehouse's demo made it */
    struct demo_part_row *p = NULL;
    int np = 0, cap = 0;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, sku, name, category, purchase_price FROM parts "
                              "ORDER BY id LIMIT 500",
                              "");
    if (!st)
        return cx->err.code;
    while (db_step(st) == DB_ROW) {
        if (np == cap) {
            cap = cap ? cap * 2 : 64;
            struct demo_part_row *n = arena_alloc(cx->a, sizeof(*n) * (size_t)cap);
            if (np)
                memcpy(n, p, sizeof(*n) * (size_t)np);
            p = n;
        }
        const char *cat = db_col_text(st, 3);
        p[np++] = (struct demo_part_row){
            db_col_i64(st, 0), db_col_i64(st, 4), arena_strdup(cx->a, db_col_text(st, 1)),
            arena_strdup(cx->a, db_col_text(st, 2)), cat ? arena_strdup(cx->a, cat) : NULL};
    }
    db_done(st);
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK)
        return rc;
    int nprices = 0;
    for (size_t k = 0; k < NSUP && rc == ERR_OK; k++) {
        const struct demo_supplier *s = &suppliers[k];
        struct record *in = record_new(cx, &entity_suppliers), *out;
        put(in, SUPPLIER_NAME, s->name);
        put(in, SUPPLIER_LEGAL_KIND, "company");
        put(in, SUPPLIER_INN, s->inn);
        put(in, SUPPLIER_KPP, s->kpp);
        put(in, SUPPLIER_OGRN, s->ogrn);
        put(in, SUPPLIER_ADDRESS, s->address);
        put(in, SUPPLIER_PHONE, s->phone);
        put(in, SUPPLIER_EMAIL, s->email);
        put(in, SUPPLIER_WEBSITE, s->website);
        put(in, SUPPLIER_PAYMENT_TERMS, s->terms);
        if (s->deferral)
            put_i(in, SUPPLIER_DEFERRAL_DAYS, s->deferral);
        put(in, SUPPLIER_DELIVERY_TERMS, s->delivery);
        put_i(in, SUPPLIER_LEAD_DAYS, s->lead);
        if ((rc = entity_create(cx, &entity_suppliers, in, &out)) != ERR_OK)
            break;
        int64_t id = out->id;
        in = record_new(cx, &entity_supplier_contacts);
        put_i(in, SCONTACT_SUPPLIER_ID, id);
        put(in, SCONTACT_NAME, s->contact);
        put(in, SCONTACT_POSITION, s->position);
        put(in, SCONTACT_PHONE, s->contact_phone);
        if ((rc = entity_create(cx, &entity_supplier_contacts, in, &out)) == ERR_OK)
            rc = make_prices(cx, (int)k, id, p, np, &nprices);
    }
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    if ((rc = db_commit(cx->db, &cx->err)) == ERR_OK)
        printf("servitor: demo purchasing: %zu suppliers, %d prices\n", NSUP, nprices);
    return rc;
}
