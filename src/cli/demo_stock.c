/* demo_stock.c — the warehouse's part of `servitor demo` (cli layer): a
 * catalog of parts for the demo's equipment models with barcodes and
 * analogs, two warehouses, and stock received, issued, transferred and
 * written off through the ledger. Run once: a database that has warehouses
 * already keeps them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "domain/registry/registry.h"
#include "domain/stock/stock.h"
#include "base/timeutil.h"
#include "base/banned.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

struct demo_part {
    const char *sku, *name, *brand, *category, *unit;
    int64_t purchase, sale; /* kopecks */
    bool serial;
    const char *barcode;
    const char *models[4];        /* "Brand|Model" of the demo's models */
    const char *analog_of, *note; /* the SKU it replaces and how */
    int64_t stock[2];             /* units received per warehouse */
};

/* clang-format off */
static const struct demo_part parts[] = {
    {"TK-1170", "Тонер-картридж Kyocera TK-1170", "Kyocera", "Картриджи", "pcs", 520000, 790000, false, "4960999988866",
     {"Kyocera|ECOSYS M2040dn"}, NULL, NULL, {12, 4}},
    {"TK-1170C", "Тонер-картридж совместимый TK-1170 (Cactus)", "Cactus", "Картриджи", "pcs", 140000, 260000, false, "4690000011701",
     {NULL}, "TK-1170", "analog", {20, 6}},
    {"TK-1150", "Тонер-картридж Kyocera TK-1150", "Kyocera", "Картриджи", "pcs", 480000, 720000, false, "4960999988811",
     {"Kyocera|ECOSYS P2335d"}, NULL, NULL, {6, 2}},
    {"TK-1150R", "Тонер-картридж TK-1150 восстановленный", "Сервис", "Картриджи", "pcs", 90000, 190000, false, "2000000011509",
     {NULL}, "TK-1150", "refurbished", {5, 0}},
    {"DK-1150", "Драм-юнит Kyocera DK-1150", "Kyocera", "Фотобарабаны", "pcs", 950000, 1390000, false, "4960999988828",
     {"Kyocera|ECOSYS M2040dn", "Kyocera|ECOSYS P2335d"}, NULL, NULL, {3, 1}},
    {"FK-1150", "Узел термозакрепления Kyocera FK-1150", "Kyocera", "Фьюзеры", "pcs", 1400000, 2100000, true, "4960999988835",
     {"Kyocera|ECOSYS M2040dn", "Kyocera|ECOSYS P2335d"}, NULL, NULL, {2, 0}},
    {"CF259A", "Картридж HP 59A", "HP", "Картриджи", "pcs", 890000, 1290000, false, "0192545289653",
     {"HP|LaserJet Pro M404dn"}, NULL, NULL, {8, 3}},
    {"CF259A-C", "Картридж совместимый HP 59A (NV Print)", "NV Print", "Картриджи", "pcs", 210000, 390000, false, "4680000025901",
     {NULL}, "CF259A", "analog", {15, 5}},
    {"RM2-5425", "Узел закрепления HP RM2-5425", "HP", "Фьюзеры", "pcs", 1150000, 1790000, true, "2000000054251",
     {"HP|LaserJet Pro M404dn"}, NULL, NULL, {1, 1}},
    {"RM2-5452", "Ролик захвата HP RM2-5452", "HP", "Ролики", "pcs", 45000, 89000, false, "2000000054527",
     {"HP|LaserJet Pro M404dn"}, NULL, NULL, {25, 10}},
    {"057H", "Картридж Canon 057H", "Canon", "Картриджи", "pcs", 1050000, 1490000, false, "4549292124637",
     {"Canon|i-SENSYS MF443dw"}, NULL, NULL, {4, 2}},
    {"057H-C", "Картридж совместимый Canon 057H (Cactus)", "Cactus", "Картриджи", "pcs", 260000, 450000, false, "4690000005701",
     {NULL}, "057H", "analog", {10, 0}},
    {"TN-2375", "Тонер-картридж Brother TN-2375", "Brother", "Картриджи", "pcs", 540000, 790000, false, "4977766742306",
     {"Brother|HL-L2340DW"}, NULL, NULL, {6, 6}},
    {"DR-2335", "Фотобарабан Brother DR-2335", "Brother", "Фотобарабаны", "pcs", 590000, 890000, false, "4977766742313",
     {"Brother|HL-L2340DW"}, NULL, NULL, {3, 2}},
    {"LY6754001", "Ролик подачи Brother LY6754001", "Brother", "Ролики", "pcs", 38000, 79000, false, "2000000067540",
     {"Brother|HL-L2340DW"}, NULL, NULL, {12, 4}},
    {"C13T00S14A", "Чернила Epson 103 чёрные, 65 мл", "Epson", "Чернила", "pcs", 62000, 99000, false, "8715946655840",
     {"Epson|L3150"}, NULL, NULL, {30, 10}},
    {"1830528", "Памперс (абсорбер) Epson 1830528", "Epson", "Запчасти", "pcs", 85000, 159000, false, "2000000183052",
     {"Epson|L3150"}, NULL, NULL, {4, 0}},
    {"106R03583", "Тонер-картридж Xerox 106R03583", "Xerox", "Картриджи", "pcs", 1350000, 1890000, false, "0095205842466",
     {"Xerox|VersaLink B405"}, NULL, NULL, {3, 0}},
    {"FN-1.1-15", "Фискальный накопитель ФН-1.1М на 15 месяцев", "Атлас-Карт", "Фискальные накопители", "pcs", 1100000, 1450000, true, "4607001771053",
     {"АТОЛ|30Ф", "Меркурий|185Ф", "Эвотор|7.2"}, NULL, NULL, {5, 3}},
    {"FN-1.1-36", "Фискальный накопитель ФН-1.1М на 36 месяцев", "Атлас-Карт", "Фискальные накопители", "pcs", 1550000, 1990000, true, "4607001771367",
     {"АТОЛ|30Ф", "Меркурий|185Ф", "Эвотор|7.2"}, "FN-1.1-15", "analog", {3, 1}},
    {"PH-ATOL30", "Печатающая головка АТОЛ 30Ф", "АТОЛ", "Печатающие головки", "pcs", 320000, 520000, false, "4607001770308",
     {"АТОЛ|30Ф"}, NULL, NULL, {2, 1}},
    {"BL1813G", "Аккумулятор Makita BL1813G 18 В 1,3 А·ч", "Makita", "Аккумуляторы", "pcs", 260000, 390000, false, "0088381475730",
     {"Makita|DF333DWYE"}, NULL, NULL, {6, 2}},
    {"BL1021B", "Аккумулятор Makita BL1021B 12 В 2 А·ч", "Makita", "Аккумуляторы", "pcs", 290000, 430000, false, "0088381494236",
     {"Makita|DF333DWYE"}, "BL1813G", "analog", {4, 0}},
    {"1600A00X79", "Аккумулятор Bosch GBA 12V 2.0 А·ч", "Bosch", "Аккумуляторы", "pcs", 310000, 470000, false, "3165140761734",
     {"Bosch|GSR 12V-15"}, NULL, NULL, {5, 2}},
    {"CB-440", "Угольные щётки Makita CB-440", "Makita", "Щётки", "pcs", 18000, 39000, false, "0088381079389",
     {"Makita|DF333DWYE"}, NULL, NULL, {20, 8}},
    {"5513227281", "Заварочный блок De'Longhi", "De'Longhi", "Кофемашины: узлы", "pcs", 520000, 790000, false, "8004399325981",
     {"De'Longhi|ECAM 22.110"}, NULL, NULL, {2, 1}},
    {"421944078921", "Заварочный блок Philips/Saeco", "Philips", "Кофемашины: узлы", "pcs", 610000, 890000, false, "8710103840028",
     {"Philips|EP2231/40", "Saeco|Lirika Plus"}, NULL, NULL, {2, 0}},
    {"ULKA-EX5", "Помпа ULKA EX5 48 Вт", "ULKA", "Кофемашины: узлы", "pcs", 190000, 320000, false, "8023436000052",
     {"De'Longhi|ECAM 22.110", "Philips|EP2231/40", "Saeco|Lirika Plus"}, NULL, NULL, {4, 2}},
    {"SILICONE-TUBE", "Трубка силиконовая пищевая 6×9 мм", "Сервис", "Расходные материалы", "m", 9000, 25000, false, "2000000000691",
     {NULL}, NULL, NULL, {50, 20}},
    {"DESCALER-1L", "Средство от накипи, 1 л", "Сервис", "Расходные материалы", "l", 45000, 89000, false, "2000000000714",
     {"De'Longhi|ECAM 22.110", "Philips|EP2231/40", "Saeco|Lirika Plus"}, NULL, NULL, {10, 5}},
    {"C00144997", "Насос сливной Indesit C00144997", "Indesit", "Стиральные машины: узлы", "pcs", 170000, 290000, false, "2000000144997",
     {"Indesit|IWSB 5085"}, NULL, NULL, {3, 1}},
    {"BRG-6204", "Подшипник SKF 6204-2Z", "SKF", "Подшипники", "pcs", 42000, 79000, false, "7316575226845",
     {"Indesit|IWSB 5085", "LG|F2J3HS0W", "Samsung|WW65AG4S00CE"}, NULL, NULL, {16, 8}},
    {"BRG-6204-C", "Подшипник 6204-2Z (неоригинал)", "CX", "Подшипники", "pcs", 12000, 29000, false, "2000000062048",
     {NULL}, "BRG-6204", "analog", {30, 0}},
    {"TEN-1950", "ТЭН 1950 Вт для стиральной машины", "Thermowatt", "Стиральные машины: узлы", "pcs", 95000, 169000, false, "2000000019507",
     {"LG|F2J3HS0W", "Samsung|WW65AG4S00CE"}, NULL, NULL, {5, 2}},
    {"ATL-THERM", "Термостат для холодильника Атлант", "Атлант", "Холодильники: узлы", "pcs", 75000, 139000, false, "4810000021401",
     {"Атлант|ХМ 4021-000"}, NULL, NULL, {4, 0}},
};
/* clang-format on */

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

static const struct demo_part *part_of(const char *sku)
{
    for (size_t i = 0; i < LEN(parts); i++)
        if (!strcmp(parts[i].sku, sku))
            return &parts[i];
    return &parts[0];
}

static int64_t part_by_sku(const int64_t *ids, const char *sku)
{
    for (size_t i = 0; i < LEN(parts); i++)
        if (!strcmp(parts[i].sku, sku))
            return ids[i];
    return 0;
}

static enum err_code model_id(struct ctx *cx, const char *spec, int64_t *id)
{
    const char *bar = strchr(spec, '|');
    bool found;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, id, &found,
                   "SELECT id FROM equipment_models WHERE brand = $1 AND model = $2", "tt",
                   arena_printf(cx->a, "%.*s", (int)(bar - spec), spec), bar + 1);
    if (rc == ERR_OK && !found)
        *id = 0;
    return rc;
}

static enum err_code make_catalog(struct ctx *cx, int64_t *ids)
{
    enum err_code rc = ERR_OK;
    for (size_t i = 0; rc == ERR_OK && i < LEN(parts); i++) {
        const struct demo_part *d = &parts[i];
        struct record *in = record_new(cx, &entity_parts), *out;
        put(in, PART_SKU, d->sku);
        put(in, PART_NAME, d->name);
        put(in, PART_BRAND, d->brand);
        put(in, PART_UNIT, d->unit);
        put(in, PART_CATEGORY, d->category);
        put_i(in, PART_PURCHASE_PRICE, d->purchase);
        put_i(in, PART_SALE_PRICE, d->sale);
        put_i(in, PART_SERIAL_TRACKED, d->serial);
        if ((rc = entity_create(cx, &entity_parts, in, &out)) != ERR_OK)
            return rc;
        ids[i] = out->id;
        in = record_new(cx, &entity_part_barcodes);
        put_i(in, BARCODE_PART_ID, ids[i]);
        put(in, BARCODE_BARCODE, d->barcode);
        if ((rc = entity_create(cx, &entity_part_barcodes, in, &out)) != ERR_OK)
            return rc;
        for (int m = 0; m < 4 && d->models[m]; m++) {
            int64_t mid;
            if ((rc = model_id(cx, d->models[m], &mid)) != ERR_OK)
                return rc;
            if (!mid)
                continue;
            in = record_new(cx, &entity_part_models);
            put_i(in, PM_PART_ID, ids[i]);
            put_i(in, PM_MODEL_ID, mid);
            if ((rc = entity_create(cx, &entity_part_models, in, &out)) != ERR_OK)
                return rc;
        }
        if (d->analog_of) {
            in = record_new(cx, &entity_part_analogs);
            put_i(in, ANALOG_PART_ID, part_by_sku(ids, d->analog_of));
            put_i(in, ANALOG_ANALOG_ID, ids[i]);
            put(in, ANALOG_NOTE, d->note);
            if ((rc = entity_create(cx, &entity_part_analogs, in, &out)) != ERR_OK)
                return rc;
        }
    }
    return rc;
}

/* Receipts into both warehouses (serialized goods with their serials),
 * then a day's work: issues to requests, a sale, a write-off, a transfer
 * on its way, a reservation. */
static enum err_code make_stock(struct ctx *cx, const int64_t *ids, const int64_t *wh)
{
    enum err_code rc;
    int64_t posting;
    for (int w = 0; w < 2; w++) {
        struct stock_line *lines = arena_alloc(cx->a, sizeof(*lines) * LEN(parts));
        int n = 0;
        for (size_t i = 0; i < LEN(parts); i++) {
            int64_t units = parts[i].stock[w];
            if (!units)
                continue;
            struct stock_line *l = &lines[n++];
            memset(l, 0, sizeof(*l));
            l->part_id = ids[i];
            l->qty = units * 1000;
            /* a little dearer at the second warehouse: a later delivery */
            l->unit_cost = parts[i].purchase + (w ? parts[i].purchase / 20 : 0);
            if (parts[i].serial) {
                const char **s = arena_alloc(cx->a, sizeof(char *) * (size_t)units);
                for (int64_t k = 0; k < units; k++)
                    s[k] =
                        arena_printf(cx->a, "%s-%d%04lld", parts[i].sku, w + 1, (long long)k + 1);
                l->serials = s;
                l->nserials = (int)units;
            }
        }
        struct stock_posting_in in = {"receipt", wh[w], 0, NULL, 0, "Поставка", lines, n};
        if ((rc = stock_post(cx, &in, &posting)) != ERR_OK)
            return rc;
    }
    /* issues to the first few open requests, one part each */
    struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT id FROM requests ORDER BY id LIMIT 4", "");
    if (!st)
        return cx->err.code;
    int64_t reqs[4] = {0};
    int nreq = 0;
    while (nreq < 4 && db_step(st) == DB_ROW)
        reqs[nreq++] = db_col_i64(st, 0);
    db_done(st);
    static const char *const issued[] = {"TK-1170", "RM2-5452", "BRG-6204", "ULKA-EX5"};
    for (int i = 0; i < nreq; i++)
        if ((rc = stock_issue(cx, "issue", "request", reqs[i], part_by_sku(ids, issued[i]), wh[0],
                              1000, &posting)) != ERR_OK)
            return rc;
    if (nreq && (rc = stock_reserve(cx, "request", reqs[0], part_by_sku(ids, "DK-1150"), wh[0],
                                    1000)) != ERR_OK)
        return rc;
    struct stock_line sale = {part_by_sku(ids, "C13T00S14A"), 3000, 0, NULL, 0};
    struct stock_posting_in s = {"sale", wh[0], 0, NULL, 0, NULL, &sale, 1};
    if ((rc = stock_post(cx, &s, &posting)) != ERR_OK)
        return rc;
    struct stock_line broken = {part_by_sku(ids, "LY6754001"), 1000, 0, NULL, 0};
    struct stock_posting_in wo = {"write_off", wh[0], 0, NULL, 0, "Брак при приёмке", &broken, 1};
    if ((rc = stock_post(cx, &wo, &posting)) != ERR_OK)
        return rc;
    struct stock_line moved = {part_by_sku(ids, "TK-1170C"), 5000, 0, NULL, 0};
    struct stock_posting_in tr = {"transfer",           wh[0],  wh[1], NULL, 0,
                                  "Пополнение филиала", &moved, 1};
    return stock_post(cx, &tr, &posting);
}

/* ---- two years of consumption (the replenishment screen's history) ---- */

/* How a part is used week by week at the first warehouse (the second uses
 * about 40 % of it): a mean in tenths of a unit, a seasonal swing (0: flat)
 * peaking at a day of the year, or intermittent demand (a chance in % that
 * a week has any). Serialized goods are left out (their pieces need serials). */
struct demo_use {
    const char *sku;
    int tenths; /* mean units a week × 10 */
    int swing;  /* % up and down around the mean */
    int peak;   /* day of the year of the peak */
    int chance; /* intermittent: % of weeks with demand (0: every week) */
};

/* clang-format off */
static const struct demo_use uses[] = {
    /* printing peaks with office work in autumn and winter */
    {"TK-1170", 30, 60, 340, 0},  {"TK-1170C", 45, 55, 340, 0}, {"TK-1150", 18, 60, 330, 0},
    {"DK-1150", 6, 50, 350, 0},   {"CF259A", 22, 50, 345, 0},   {"CF259A-C", 35, 55, 345, 0},
    {"057H", 12, 45, 340, 0},     {"TN-2375", 25, 50, 335, 0},  {"DR-2335", 8, 40, 335, 0},
    {"106R03583", 4, 40, 340, 0}, {"C13T00S14A", 40, 30, 20, 0},
    /* flat: rollers, bearings, consumables */
    {"RM2-5452", 15, 0, 0, 0},    {"LY6754001", 10, 0, 0, 0},   {"BRG-6204", 12, 0, 0, 0},
    {"BRG-6204-C", 20, 0, 0, 0},  {"DESCALER-1L", 14, 10, 30, 0}, {"SILICONE-TUBE", 30, 0, 0, 0},
    /* power tools: the building season */
    {"BL1813G", 9, 70, 170, 0},   {"CB-440", 16, 60, 160, 0},   {"1600A00X79", 6, 70, 175, 0},
    /* now and then */
    {"5513227281", 10, 0, 0, 25}, {"421944078921", 10, 0, 0, 15}, {"ULKA-EX5", 15, 0, 0, 35},
    {"C00144997", 10, 0, 0, 20},  {"TEN-1950", 12, 0, 0, 25},   {"ATL-THERM", 10, 0, 0, 10},
    {"PH-ATOL30", 10, 0, 0, 12},  {"1830528", 10, 0, 0, 20},
};
/* clang-format on */

/* Planner's rules at the first warehouse: min, max (units), lead time (days). */
static const struct {
    const char *sku;
    int min, max, lead;
} rules[] = {
    {"RM2-5452", 25, 50, 10},  {"LY6754001", 8, 24, 10}, {"CB-440", 10, 30, -1},
    {"106R03583", -1, -1, 35}, {"TK-1170", -1, -1, 21},
};

static uint32_t demo_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* A Poisson-ish count with mean m (Knuth's method; m stays small). */
static int64_t draw(uint32_t *s, double m)
{
    if (m <= 0)
        return 0;
    double l = exp(-m), p = 1;
    int64_t k = 0;
    do {
        k++;
        p *= (double)(demo_rand(s) % 1000000) / 1000000.0;
    } while (p > l && k < 1000);
    return k - 1;
}

/* The history is written straight into the ledger's tables, dated in the
 * past (the ledger stamps now; the API has no way to post earlier, and
 * should not). Demo only. Every part's receipts equal its issues at the same
 * unit cost, so the history adds nothing to the balances: `stock verify`
 * agrees, and the stock received afterwards is what the demo holds now.
 * One INSERT per posting (its lines as rows of VALUES, integers only): a
 * few hundred statements, fast on PostgreSQL too. */
struct hist_line {
    int64_t part, qty, cost; /* thousandths, kopecks per unit */
};

static enum err_code history_posting(struct ctx *cx, int64_t wh, const char *kind, int64_t day,
                                     const struct hist_line *lines, int n, int *seq)
{
    if (!n)
        return ERR_OK;
    char t[ISO_TIME_LEN];
    time_iso(day * 86400 + 10 * 3600, t);
    bool found;
    int64_t posting;
    const char *number = arena_printf(cx->a, "СК-ДЕМО-%06d", ++*seq);
    enum err_code rc = db_get_i64(
        cx->db, &cx->err, &posting, &found,
        "INSERT INTO stock_postings (number, kind, warehouse_id, status,\n"
        "  reason, created_at)\n"
        "VALUES ($1, $2, $3, 'done', $4, $5) RETURNING id",
        "ttitt", number, kind, wh, strcmp(kind, "issue") ? "Поставка" : "Расход в ремонты", t);
    if (rc != ERR_OK)
        return rc;
    bool in = !strcmp(kind, "receipt");
    struct buf sql;
    buf_init(&sql, 0);
    buf_printf(&sql, "INSERT INTO stock_movements (posting_id, kind, part_id, warehouse_id, qty,\n"
                     "  unit_cost, value, created_at) VALUES ");
    for (int i = 0; i < n; i++) {
        int64_t q = in ? lines[i].qty : -lines[i].qty;
        int64_t v = stock_value_of(lines[i].qty, lines[i].cost);
        buf_printf(&sql, "%s(%lld, '%s', %lld, %lld, %lld, %lld, %lld, $1)", i ? ", " : "",
                   (long long)posting, kind, (long long)lines[i].part, (long long)wh, (long long)q,
                   (long long)lines[i].cost, (long long)(in ? v : -v));
    }
    rc = db_run(cx->db, &cx->err, sql.p, "t", t);
    buf_release(&sql);
    return rc;
}

static enum err_code make_history(struct ctx *cx, const int64_t *ids, const int64_t *wh)
{
    enum { WEEKS = 104, QUARTER = 13 };
    size_t nu = LEN(uses);
    int64_t *qty = arena_alloc(cx->a, sizeof(int64_t) * nu * WEEKS * 2);
    int64_t today = time_now() / 86400;
    uint32_t seed = 20261;
    for (int w = 0; w < 2; w++)
        for (size_t u = 0; u < nu; u++)
            for (int k = 0; k < WEEKS; k++) {
                int64_t day = today - 7 * (WEEKS - k) + 3;
                int64_t doy = (day + 4) % 365; /* near enough to the day of the year */
                double mean = uses[u].tenths / 10.0 * (w ? 0.4 : 1.0);
                if (uses[u].swing)
                    mean *= 1 + uses[u].swing / 100.0 *
                                    cos(2 * M_PI * (double)(doy - uses[u].peak) / 365.0);
                int64_t n;
                if (uses[u].chance)
                    n = (int)(demo_rand(&seed) % 100) < uses[u].chance * (w ? 1 : 2) / 2
                            ? 1 + draw(&seed, mean - 1 > 0 ? mean - 1 : 0.2)
                            : 0;
                else
                    n = draw(&seed, mean);
                qty[((size_t)w * nu + u) * WEEKS + (size_t)k] = n;
            }
    enum err_code rc = ERR_OK;
    struct hist_line *lines = arena_alloc(cx->a, sizeof(*lines) * nu);
    int seq = 0;
    for (int k = 0; rc == ERR_OK && k < WEEKS; k++) {
        int64_t day = today - 7 * (WEEKS - k) + 3;
        for (int w = 0; rc == ERR_OK && w < 2; w++) {
            int n = 0;
            if (k % QUARTER == 0) { /* a delivery for the quarter ahead */
                for (size_t u = 0; u < nu; u++) {
                    const struct demo_part *d = part_of(uses[u].sku);
                    int64_t sum = 0;
                    for (int j = k; j < k + QUARTER && j < WEEKS; j++)
                        sum += qty[((size_t)w * nu + u) * WEEKS + (size_t)j];
                    if (sum && d->stock[w])
                        lines[n++] = (struct hist_line){part_by_sku(ids, uses[u].sku), sum * 1000,
                                                        d->purchase};
                }
                rc = history_posting(cx, wh[w], "receipt", day - 1, lines, n, &seq);
                n = 0;
            }
            for (size_t u = 0; rc == ERR_OK && u < nu; u++) {
                const struct demo_part *d = part_of(uses[u].sku);
                int64_t q = qty[((size_t)w * nu + u) * WEEKS + (size_t)k];
                if (q && d->stock[w])
                    lines[n++] =
                        (struct hist_line){part_by_sku(ids, uses[u].sku), q * 1000, d->purchase};
            }
            if (rc == ERR_OK)
                rc = history_posting(cx, wh[w], "issue", day, lines, n, &seq);
        }
    }
    for (size_t r = 0; rc == ERR_OK && r < LEN(rules); r++) {
        struct record *in = record_new(cx, &entity_stock_rules), *out;
        put_i(in, SRULE_PART_ID, part_by_sku(ids, rules[r].sku));
        put_i(in, SRULE_WAREHOUSE_ID, wh[0]);
        if (rules[r].min >= 0) {
            put_i(in, SRULE_MIN_QTY, rules[r].min * 1000);
            put_i(in, SRULE_MAX_QTY, rules[r].max * 1000);
        }
        if (rules[r].lead >= 0)
            put_i(in, SRULE_LEAD_TIME, rules[r].lead);
        rc = entity_create(cx, &entity_stock_rules, in, &out);
    }
    return rc;
}

enum err_code demo_stock(struct ctx *cx)
{
    bool found;
    int64_t any;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &any, &found, "SELECT id FROM warehouses LIMIT 1", "");
    if (rc != ERR_OK || found)
        return rc;
    static const char *const names[] = {"Центральный склад", "Склад на Садовой"};
    static const char *const branches[] = {"Центральный сервис", "Сервис на Садовой"};
    static const char *const addresses[] = {"г. Москва, ул. Профсоюзная, д. 12, стр. 2",
                                            "г. Санкт-Петербург, ул. Садовая, д. 40"};
    int64_t wh[2];
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK)
        return rc;
    for (int w = 0; w < 2 && rc == ERR_OK; w++) {
        int64_t branch;
        if ((rc = db_get_i64(cx->db, &cx->err, &branch, &found,
                             "SELECT id FROM branches WHERE name = $1", "t", branches[w])) !=
            ERR_OK)
            break;
        struct record *in = record_new(cx, &entity_warehouses), *out;
        put(in, WAREHOUSE_NAME, names[w]);
        put_i(in, WAREHOUSE_BRANCH_ID, branch);
        put(in, WAREHOUSE_ADDRESS, addresses[w]);
        if ((rc = entity_create(cx, &entity_warehouses, in, &out)) == ERR_OK)
            wh[w] = out->id;
    }
    int64_t *ids = arena_alloc(cx->a, sizeof(int64_t) * LEN(parts));
    if (rc == ERR_OK)
        rc = make_catalog(cx, ids);
    if (rc == ERR_OK)
        rc = make_history(cx, ids, wh);
    if (rc == ERR_OK)
        rc = make_stock(cx, ids, wh);
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    if ((rc = db_commit(cx->db, &cx->err)) == ERR_OK)
        printf("servitor: demo stock: %zu parts, 2 warehouses\n", LEN(parts));
    return rc;
}
