/* demo.c — `servitor demo`: believable Russian demo data (cli layer).
 *
 * Rows are written in batches of 2 000 per transaction with cached
 * statements, straight into the tables and their search index (the entity
 * layer's per-record checks and audit would make 100 000 clients take
 * minutes); one audit entry records the load itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/util.h"
#include "cli/cli.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/entity.h"
#include "core/numbering.h"
#include "domain/desk/desk.h"
#include "domain/desk/knowledge.h"
#include "domain/desk/routing.h"
#include "domain/desk/sla.h"
#include "core/record.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "base/banned.h"

#define BATCH 2000

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    /* xorshift64*: reproducible demo data without libc's rand() */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static int rn(int n) { return (int)(rnd() % (uint64_t)n); }
#define PICK(a) (a[rn((int)ARRAY_LEN(a))])

static const char *const surnames_m[] = {
    "Иванов",  "Смирнов", "Кузнецов", "Попов",    "Васильев", "Петров",    "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов",  "Волков",   "Алексеев", "Лебедев",   "Семёнов", "Егоров",
    "Павлов",  "Козлов",  "Степанов", "Николаев", "Орлов",    "Андреев",   "Макаров", "Никитин",
    "Захаров", "Зайцев",  "Соловьёв", "Борисов",  "Яковлев",  "Григорьев", "Романов", "Воробьёв"};
static const char *const names_m[] = {"Александр", "Сергей",   "Дмитрий", "Андрей", "Алексей",
                                      "Максим",    "Евгений",  "Иван",    "Михаил", "Артём",
                                      "Николай",   "Владимир", "Павел",   "Олег",   "Юрий"};
static const char *const names_f[] = {"Анна",    "Елена",  "Ольга",     "Наталья",  "Екатерина",
                                      "Татьяна", "Мария",  "Ирина",     "Светлана", "Юлия",
                                      "Алёна",   "Ксения", "Валентина", "Дарья",    "Людмила"};
static const char *const patronymics[] = {"Александров", "Сергеев",  "Дмитриев", "Андреев",
                                          "Алексеев",    "Викторов", "Иванов",   "Михайлов",
                                          "Николаев",    "Петров",   "Юрьев",    "Владимиров"};
static const char *const company_words[] = {
    "Техносервис", "Альфа",    "Вектор",  "Гранит",  "Меридиан", "Северный ветер", "Импульс",
    "Прогресс",    "Стройдом", "Сибирь",  "Ресурс",  "Восход",   "Интеграл",       "Радуга",
    "Орион",       "Кварта",   "Элемент", "Палитра", "Берёзка",  "Магистраль",     "Форвард"};
static const char *const company_forms[] = {"ООО", "АО", "ПАО", "ИП"};
static const char *const cities[] = {"Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск",
                                     "Казань", "Нижний Новгород", "Самара",       "Тверь"};
static const char *const streets[] = {"ул. Ленина",      "ул. Садовая",    "пр-т Мира",
                                      "ул. Гагарина",    "ул. Советская",  "ул. Пушкина",
                                      "Тверская ул.",    "ул. Ёлочная",    "Невский пр-т",
                                      "ул. Профсоюзная", "ш. Энтузиастов", "ул. Заводская"};
static const char *const positions[] = {"Директор",  "Главный инженер",
                                        "Бухгалтер", "Офис-менеджер",
                                        "Завхоз",    "Системный администратор"};
static const char *const notes[] = {"Предпочитает звонок после 14:00",
                                    "Постоянный клиент, скидка 5%",
                                    "Оплата по безналу, нужен счёт",
                                    "Просит напоминать о ТО",
                                    "Договор на обслуживание с 2025 года",
                                    NULL,
                                    NULL,
                                    NULL};

struct model_def {
    const char *brand, *model, *category;
    int months;
};
static const struct model_def models[] = {
    {"Kyocera", "ECOSYS M2040dn", "Принтеры и МФУ", 12},
    {"Kyocera", "ECOSYS P2335d", "Принтеры и МФУ", 12},
    {"HP", "LaserJet Pro M404dn", "Принтеры и МФУ", 12},
    {"Canon", "i-SENSYS MF443dw", "Принтеры и МФУ", 12},
    {"Brother", "HL-L2340DW", "Принтеры и МФУ", 12},
    {"Epson", "L3150", "Принтеры и МФУ", 12},
    {"Xerox", "VersaLink B405", "Принтеры и МФУ", 24},
    {"АТОЛ", "30Ф", "Кассовая техника", 12},
    {"Меркурий", "185Ф", "Кассовая техника", 12},
    {"Эвотор", "7.2", "Кассовая техника", 12},
    {"Makita", "DF333DWYE", "Электроинструмент", 12},
    {"Bosch", "GSR 12V-15", "Электроинструмент", 24},
    {"Интерскол", "ДА-12ЭР", "Электроинструмент", 24},
    {"De'Longhi", "ECAM 22.110", "Кофемашины", 12},
    {"Philips", "EP2231/40", "Кофемашины", 24},
    {"Saeco", "Lirika Plus", "Кофемашины", 12},
    {"Атлант", "ХМ 4021-000", "Холодильники", 36},
    {"Indesit", "IWSB 5085", "Стиральные машины", 12},
    {"LG", "F2J3HS0W", "Стиральные машины", 12},
    {"Samsung", "WW65AG4S00CE", "Стиральные машины", 12},
};

static const char *const branch_names[] = {"Центральный сервис", "Сервис на Садовой",
                                           "Филиал Екатеринбург"};
static const char *const branch_addr[] = {"г. Москва, ул. Профсоюзная, д. 12",
                                          "г. Москва, ул. Садовая, д. 5, стр. 2",
                                          "г. Екатеринбург, ул. Ленина, д. 40"};
static const char *const branch_tz[] = {"Europe/Moscow", "Europe/Moscow", "Asia/Yekaterinburg"};

static void make_inn10(char out[11])
{
    static const int k[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    int sum = 0;
    out[0] = (char)('1' + rn(9));
    for (int i = 1; i < 9; i++)
        out[i] = (char)('0' + rn(10));
    for (int i = 0; i < 9; i++)
        sum += (out[i] - '0') * k[i];
    out[9] = (char)('0' + sum % 11 % 10);
    out[10] = 0;
}

static void make_inn12(char out[13])
{
    static const int k11[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int k12[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    out[0] = (char)('1' + rn(9));
    for (int i = 1; i < 10; i++)
        out[i] = (char)('0' + rn(10));
    int s = 0;
    for (int i = 0; i < 10; i++)
        s += (out[i] - '0') * k11[i];
    out[10] = (char)('0' + s % 11 % 10);
    s = 0;
    for (int i = 0; i < 11; i++)
        s += (out[i] - '0') * k12[i];
    out[11] = (char)('0' + s % 11 % 10);
    out[12] = 0;
}

static void make_phone(char out[16]) { snprintf(out, 16, "+79%09d", rn(1000000000)); }

static void person_name(struct ctx *cx, const char **out)
{
    bool female = rn(2);
    const char *s = PICK(surnames_m), *n = female ? PICK(names_f) : PICK(names_m);
    const char *p = PICK(patronymics);
    *out = arena_printf(cx->a, "%s%s %s %s%s", s, female ? "а" : "", n, p, female ? "на" : "ич");
}

static int fail(struct ctx *cx, struct db *db)
{
    (void)db;
    fprintf(stderr, "servitor: demo data failed: %s\n", cx->err.message);
    cli_end(cx, cx->err.code != ERR_OK ? cx->err.code : ERR_INTERNAL); /* nothing more kept */
    return 1;
}

/* Sets a record's value for the search text. */
static void setv(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static int64_t insert_id(struct ctx *cx, struct db_stmt *st, bool *ok)
{
    int rc = db_step(st);
    int64_t id = rc == DB_ROW ? db_col_i64(st, 0) : 0;
    db_done(st);
    *ok = rc != DB_FAIL;
    return id;
}

static enum err_code ensure_user(struct ctx *cx, const char *login, const char *name,
                                 const char *role, const char *password, int64_t branch,
                                 bool *created)
{
    int64_t one;
    bool found;
    *created = false;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &one, &found,
                                  "SELECT 1 FROM users WHERE login = $1", "t", login);
    if (rc != ERR_OK || found)
        return rc;
    struct record *in = record_new(cx, &entity_users), *out;
    setv(in, USER_LOGIN, login);
    setv(in, USER_NAME, name);
    setv(in, USER_ROLE, role);
    setv(in, USER_PASSWORD, password);
    if (branch) {
        struct value *v = rec_set(in, USER_BRANCH_ID);
        v->set = true;
        v->i = branch;
    }
    /* company-wide, though bound to a branch: the demo's requests come from
     * every channel, most without a branch, and each demo login sees them */
    struct value *scope = record_value(in, "branch_scope");
    scope->set = true;
    scope->i = 0;
    *created = true;
    return entity_create(cx, &entity_users, in, &out);
}

/* Contracts of the first clients (companies first), dated from today: two
 * service contracts with their own SLA terms, one expired, a supply contract
 * without terms and a draft. */
struct demo_term {
    const char *priority;
    int first, resolution, warning;
};
static const struct {
    int client; /* the n-th client */
    const char *number, *kind, *title, *status;
    int starts, ends; /* days from today; ends 0: open-ended */
    struct demo_term terms[4];
} demo_contracts[] = {
    {0,
     "СО-001/2025",
     "service",
     "Сервисное обслуживание оргтехники",
     "active",
     -300,
     65,
     {{"urgent", 15, 120, 75}, {"high", 30, 300, 80}, {"normal", 120, 960, 80}}},
    {1,
     "ТО-014/2026",
     "maintenance",
     "Техническое обслуживание кассовой техники",
     "active",
     -90,
     0,
     {{"high", 60, 480, 80}, {"normal", 180, 1440, 80}}},
    {2,
     "СО-007/2024",
     "service",
     "Абонентское обслуживание (истёк)",
     "active",
     -700,
     -60,
     {{"urgent", 30, 180, 75}}},
    {3, "П-112/2026", "sale", "Поставка кофемашин", "active", -30, 335, {{0}}},
    {3, "СО-020/2026", "service", "Сервисный договор (на согласовании)", "draft", 10, 375, {{0}}},
};

static const char *demo_day(struct ctx *cx, int days)
{
    char t[ISO_TIME_LEN];
    time_iso(time_now() + (int64_t)days * 86400, t);
    return arena_strndup(cx->a, t, 10);
}

static enum err_code demo_contract_terms(struct ctx *cx, int64_t *made)
{
    *made = 0;
    for (size_t i = 0; i < ARRAY_LEN(demo_contracts); i++) {
        int64_t id, client;
        bool found;
        enum err_code rc =
            db_get_i64(cx->db, &cx->err, &id, &found, "SELECT id FROM contracts WHERE number = $1",
                       "t", demo_contracts[i].number);
        if (rc != ERR_OK)
            return rc;
        if (found)
            continue;
        rc = db_get_i64(cx->db, &cx->err, &client, &found,
                        "SELECT id FROM clients\n"
                        "ORDER BY kind = 'company' DESC, id\n"
                        "LIMIT 1 OFFSET $1",
                        "i", (int64_t)demo_contracts[i].client);
        if (rc != ERR_OK)
            return rc;
        if (!found)
            continue; /* fewer clients than contracts */
        struct record *in = record_new(cx, &entity_contracts), *out;
        setv(in, CONTRACT_NUMBER, demo_contracts[i].number);
        setv(in, CONTRACT_KIND, demo_contracts[i].kind);
        setv(in, CONTRACT_TITLE, demo_contracts[i].title);
        setv(in, CONTRACT_STATUS, demo_contracts[i].status);
        setv(in, CONTRACT_STARTS_ON, demo_day(cx, demo_contracts[i].starts));
        setv(in, CONTRACT_ENDS_ON,
             demo_contracts[i].ends ? demo_day(cx, demo_contracts[i].ends) : NULL);
        struct value *v = rec_set(in, CONTRACT_CLIENT_ID);
        v->set = true, v->i = client;
        if ((rc = entity_create(cx, &entity_contracts, in, &out)) != ERR_OK)
            return rc;
        for (const struct demo_term *t = demo_contracts[i].terms; t->priority; t++) {
            struct record *tin = record_new(cx, &entity_contract_sla_terms), *tout;
            setv(tin, TERM_PRIORITY, t->priority);
            const int ints[] = {TERM_CONTRACT_ID, TERM_FIRST_RESPONSE_MINUTES,
                                TERM_RESOLUTION_MINUTES, TERM_WARNING_PERCENT};
            int64_t vals[] = {out->id, t->first, t->resolution, t->warning};
            for (int k = 0; k < 4; k++) {
                struct value *tv = rec_set(tin, ints[k]);
                tv->set = true, tv->i = vals[k];
            }
            if ((rc = entity_create(cx, &entity_contract_sla_terms, tin, &tout)) != ERR_OK)
                return rc;
        }
        (*made)++;
    }
    return ERR_OK;
}

struct subject {
    const char *type, *subject, *description;
    const char *category; /* the units' category it fits (models[]); NULL: any */
};
/* Knowledge articles a service desk writes first: model-specific answers
 * (with further models they fit), a category's and a general one. Indexes
 * are into models[]; -1 ends the list. */
static const struct {
    const char *title, *body, *tags, *category;
    int model, also[3];
} articles[] = {
    {"Kyocera: замятие J-0511 на выходе",
     "1. Выключите аппарат и откройте заднюю крышку.\n2. Извлеките замятый лист, тяня его по ходу "
     "бумаги.\n3. Проверьте ролик выхода: если он блестит и скользит — замена (артикул в "
     "каталоге запчастей).\n4. Если замятие повторяется на новой бумаге 80 г/м² — привозите "
     "аппарат на диагностику.",
     "замятие бумага J-0511",
     NULL,
     0,
     {1, -1}},
    {"HP LaserJet: бледная печать полосами",
     "Чаще всего заканчивается тонер. Встряхните картридж 5–6 раз и напечатайте страницу "
     "конфигурации. Если полосы остались — загрязнён ролик переноса: диагностика в сервисе, "
     "около 30 минут.",
     "тонер полосы бледно",
     NULL,
     2,
     {-1}},
    {"Кофемашины: декальцинация",
     "Раз в 2–3 месяца (или по индикатору): средство для удаления накипи в бак, запустить "
     "программу очистки, затем промыть чистой водой дважды. Лимонную кислоту не "
     "использовать — портит уплотнители.",
     "накипь очистка декальцинация",
     "Кофемашины",
     -1,
     {-1}},
    {"Кофемашина пишет «Залейте воду» при полном баке",
     "Поплавок бака залип или загрязнён: снимите бак, промойте поплавок тёплой водой, "
     "поставьте бак до щелчка. Если не помогло — неисправен датчик, ремонт в сервисе.",
     "вода бак датчик",
     NULL,
     13,
     {14, 15, -1}},
    {"Стиральная машина не сливает воду (LG OE, Samsung 5C, Indesit F05)",
     "Отключите машину от сети, слейте воду через аварийный шланг, очистите фильтр насоса "
     "(внизу справа за лючком). Проверьте, не перегнут ли шланг слива. Ошибка остаётся — "
     "насос: вызов мастера.",
     "слив фильтр насос ошибка",
     NULL,
     18,
     {19, 17, -1}},
    {"Онлайн-касса: замена фискального накопителя",
     "Срок ФН заканчивается — касса предупреждает за 30 дней. Нужны: закрытая смена, "
     "отчёт о закрытии архива ФН, новый ФН, перерегистрация в ЛК налоговой. Запишите "
     "клиента на время вне часа пик: работа около часа.",
     "ФН фискальный накопитель перерегистрация",
     "Кассовая техника",
     -1,
     {-1}},
    {"Аккумуляторный инструмент не заряжается",
     "Проверьте индикатор зарядного устройства: мигает красным — аккумулятор перегрет или "
     "глубоко разряжен. Дайте остыть 30 минут и поставьте снова. Не помогло — проверка "
     "аккумулятора и зарядки в сервисе (бесплатно по гарантии).",
     "аккумулятор зарядка",
     "Электроинструмент",
     -1,
     {-1}},
    {"Что принести для гарантийного ремонта",
     "Сам аппарат, кассовый или товарный чек (или выписку по карте), гарантийный талон, если "
     "он был. Без чека гарантию подтверждают по серийному номеру и дате продажи в нашей "
     "базе.",
     "гарантия чек документы",
     NULL,
     -1,
     {-1}},
};

static enum err_code demo_articles(struct ctx *cx, const int64_t *model_ids, int64_t *made)
{
    for (size_t i = 0; i < ARRAY_LEN(articles); i++) {
        int64_t one;
        bool found;
        enum err_code rc =
            db_get_i64(cx->db, &cx->err, &one, &found, "SELECT 1 FROM articles WHERE title = $1",
                       "t", articles[i].title);
        if (rc != ERR_OK)
            return rc;
        if (found)
            continue;
        struct record *in = record_new(cx, &entity_articles), *out;
        setv(in, ARTICLE_TITLE, articles[i].title);
        setv(in, ARTICLE_BODY, articles[i].body);
        setv(in, ARTICLE_TAGS, articles[i].tags);
        if (articles[i].category)
            setv(in, ARTICLE_CATEGORY, articles[i].category);
        if (articles[i].model >= 0) {
            struct value *m = rec_set(in, ARTICLE_MODEL_ID);
            m->set = true, m->null = false, m->i = model_ids[articles[i].model];
        }
        if ((rc = entity_create(cx, &entity_articles, in, &out)) != ERR_OK)
            return rc;
        for (int k = 0; k < 3 && articles[i].also[k] >= 0; k++) {
            struct record *link = record_new(cx, &entity_article_models), *lo;
            struct value *a = rec_set(link, ARTMODEL_ARTICLE_ID);
            a->set = true, a->null = false, a->i = out->id;
            struct value *m = rec_set(link, ARTMODEL_MODEL_ID);
            m->set = true, m->null = false, m->i = model_ids[articles[i].also[k]];
            if ((rc = entity_create(cx, &entity_article_models, link, &lo)) != ERR_OK)
                return rc;
        }
        (*made)++;
    }
    return ERR_OK;
}

#define PRINTERS "Принтеры и МФУ"
#define KKT      "Кассовая техника"
#define TOOLS    "Электроинструмент"
#define COFFEE   "Кофемашины"
#define FRIDGES  "Холодильники"
#define WASHERS  "Стиральные машины"
/* What clients write about, each fitting the category of the unit it is
 * about (a washing machine does not jam paper); the general ones fit any. */
static const struct subject subjects[] = {
    {"repair", "Не печатает, мнёт бумагу", "Бумага заминается на выходе, горит ошибка J-0511",
     PRINTERS},
    {"repair", "Полосы при печати", "Серые вертикальные полосы на каждом листе", PRINTERS},
    {"maintenance", "Чистка и замена расходников", "Замена фотобарабана и ролика подачи", PRINTERS},
    {"consultation", "Как подключить по Wi-Fi", "Клиент просит помочь с настройкой печати по сети",
     PRINTERS},
    {"parts", "Нужен картридж", "Подобрать совместимый картридж и сообщить цену", PRINTERS},
    {"parts", "Заказ запчастей", "Ролик захвата бумаги, 2 шт.", PRINTERS},
    {"repair", "Ошибка фискального накопителя", "Касса не пробивает чеки, ошибка ФН", KKT},
    {"repair", "Не печатает чеки", "Чековая лента протягивается, чек пустой", KKT},
    {"maintenance", "Замена фискального накопителя",
     "Срок ФН истекает, нужна замена и перерегистрация", KKT},
    {"consultation", "Как перерегистрировать кассу", "Смена адреса торговой точки, вопрос по ФНС",
     KKT},
    {"repair", "Не держит заряд аккумулятор", "Аккумулятор садится за десять минут работы", TOOLS},
    {"repair", "Искрит двигатель, запах гари", "При нагрузке искрит у щёток и пахнет гарью", TOOLS},
    {"parts", "Заказ угольных щёток", "Щётки двигателя, комплект", TOOLS},
    {"repair", "Течёт вода, не наливает кофе", "Под кофемашиной лужа, кофе не идёт", COFFEE},
    {"maintenance", "Декальцинация и чистка", "Горит индикатор накипи, чистка заварного блока",
     COFFEE},
    {"consultation", "Как настроить помол", "Кофе слишком жидкий, подсказать настройку кофемолки",
     COFFEE},
    {"demo", "Демонстрация новой модели", "Показать кофемашину в офисе клиента", COFFEE},
    {"repair", "Не морозит морозильная камера", "Холодильная камера работает, морозильная тёплая",
     FRIDGES},
    {"repair", "Течёт вода под ящиками овощей", "Вода собирается на дне холодильной камеры",
     FRIDGES},
    {"repair", "Не сливает воду", "Программа стирки останавливается, в барабане вода", WASHERS},
    {"repair", "Сильно шумит при отжиме", "Стук и вибрация на отжиме, машина сдвигается", WASHERS},
    {"parts", "Заказ манжеты люка", "Манжета люка порвана, течёт при стирке", WASHERS},
    {"repair", "Не включается после скачка напряжения", "Индикатор питания не горит", NULL},
    {"repair", "Посторонний шум при работе", "Громко гудит, появился скрежет", NULL},
    {"maintenance", "Плановое ТО", "Очередное техническое обслуживание по договору", NULL},
    {"consultation", "Вопрос по гарантии", "Распространяется ли гарантия на эту неисправность",
     NULL},
    {"complaint", "Повторная неисправность после ремонта",
     "Через неделю после ремонта снова та же неисправность", NULL},
    {"other", "Счёт на оплату", "Выставить счёт на юрлицо", NULL},
};

/* A subject that fits a unit of that category (NULL: no unit, any general
 * one). */
static const struct subject *subject_for(const char *category)
{
    const struct subject *fit[ARRAY_LEN(subjects)];
    int n = 0;
    for (size_t i = 0; i < ARRAY_LEN(subjects); i++)
        if (!subjects[i].category || (category && !strcmp(category, subjects[i].category)))
            fit[n++] = &subjects[i];
    return fit[rn(n)];
}

/* The open states of the day's requests, in turn. */
static const char *const today_states[] = {"new",           "assigned",       "in_progress",
                                           "in_progress",   "waiting_client", "assigned",
                                           "waiting_parts", "in_progress",    "new"};

/* Requests of the past year, oldest first (so that numbers follow time),
 * each from a random equipment unit and its owner, with its timeline. What
 * is older than a few days was dealt with (closed, a few cancelled, the last
 * days' resolved); the last ones are a working day's open requests in
 * several states spread over the technicians, a few of them older and past
 * their deadline. Nothing happens after now, and each SLA outcome follows
 * from the times: met when resolved by the deadline. */
static enum err_code demo_requests(struct ctx *cx, int64_t n, int64_t *made)
{
    struct db *db = cx->db;
    int64_t umin = 0, umax = 0, staff[8];
    int nstaff = 0;
    bool found;
    enum err_code rc;
    *made = 0;
    if ((rc = db_get_i64(db, &cx->err, &umin, &found, "SELECT MIN(id) FROM equipment_units", "")) !=
            ERR_OK ||
        (rc = db_get_i64(db, &cx->err, &umax, &found, "SELECT MAX(id) FROM equipment_units", "")) !=
            ERR_OK)
        return rc;
    if (!umax || n == 0)
        return ERR_OK;
    /* who works on requests: the technicians, then the manager */
    struct db_stmt *us = db_q(db, &cx->err,
                              "SELECT id FROM users WHERE active = 1 AND login IN\n"
                              "  ('engineer', 'engineer2', 'engineer3', 'manager')\n"
                              "ORDER BY role DESC, id LIMIT 8",
                              "");
    if (!us)
        return cx->err.code;
    int step;
    while ((step = db_step(us)) == DB_ROW)
        staff[nstaff++] = db_col_i64(us, 0);
    db_done(us);
    if (step == DB_FAIL)
        return cx->err.code;
    if (!nstaff)
        return ERR_OK;
    /* clients under contract call more often than the rest: a share of the
     * requests comes from their equipment */
    int64_t contract_units[64];
    int ncu = 0;
    struct db_stmt *cu = db_q(db, &cx->err,
                              "SELECT u.id FROM equipment_units u\n"
                              "WHERE u.client_id IN (SELECT client_id FROM contracts\n"
                              "                      WHERE status = 'active')\n"
                              "ORDER BY u.id\n"
                              "LIMIT 64",
                              "");
    if (!cu)
        return cx->err.code;
    while ((step = db_step(cu)) == DB_ROW)
        contract_units[ncu++] = db_col_i64(cu, 0);
    db_done(cu);
    if (step == DB_FAIL)
        return cx->err.code;
    int64_t now = time_now();
    /* the day's open requests: a third of a few, up to twenty */
    int64_t today = n < 6 ? n / 2 : n / 3 < 20 ? n / 3 : 20;
    int64_t older = n - today;
    int64_t t0 = now - 365 * 86400, t1 = now - 4 * 86400;
    for (int64_t done = 0; done < n;) {
        arena_reset(cx->a);
        if ((rc = db_begin_write(db, &cx->err)) != ERR_OK)
            return rc;
        for (int b = 0; b < BATCH && done < n; b++, done++) {
            bool recent = done >= older;
            int64_t k = done - older; /* the k-th of the day's */
            int64_t at;
            const char *status;
            if (!recent) {
                at = t0 + (int64_t)((double)done / (double)(older ? older : 1) * (double)(t1 - t0));
                status = now - at < 10 * 86400 && rn(3) ? "resolved"
                         : rn(25)                       ? "closed"
                                                        : "cancelled";
            } else if (k < 3 && today > 6) {
                /* a few older ones still open: past their deadline by now */
                at = now - (7 - k) * 86400 - rn(4 * 3600);
                status = k == 2 ? "waiting_parts" : "in_progress";
            } else {
                at = now - 9 * 3600 + (int64_t)((double)k / (double)today * 8.5 * 3600);
                status = today_states[k % (int64_t)ARRAY_LEN(today_states)];
            }
            char created[ISO_TIME_LEN];
            time_iso(at, created);
            int year = (created[0] - '0') * 1000 + (created[1] - '0') * 100 +
                       (created[2] - '0') * 10 + (created[3] - '0');
            int64_t unit = umin + (int64_t)(rnd() % (uint64_t)(umax - umin + 1)), client = 0;
            if (ncu && rn(100) < 15)
                unit = contract_units[rn(ncu)];
            const char *category = NULL;
            struct db_stmt *ust = db_q(db, &cx->err,
                                       "SELECT u.client_id, m.category FROM equipment_units u\n"
                                       "JOIN equipment_models m ON m.id = u.model_id\n"
                                       "WHERE u.id = $1",
                                       "i", unit);
            if (!ust)
                return cx->err.code;
            if ((step = db_step(ust)) == DB_ROW) {
                client = db_col_null(ust, 0) ? 0 : db_col_i64(ust, 0);
                category = db_col_null(ust, 1) ? NULL : arena_strdup(cx->a, db_col_text(ust, 1));
            }
            db_done(ust);
            if (step == DB_FAIL)
                return cx->err.code;
            if (step != DB_ROW)
                unit = 0;
            /* the client's contract on the day, as a new request takes it */
            int64_t contract = 0;
            if (client) {
                char local[ISO_TIME_LEN];
                time_iso(at + 3 * 3600, local);
                local[10] = 0;
                if ((rc = contract_in_force(cx, client, local, &contract)) != ERR_OK)
                    return rc;
            }
            const struct subject *sj = subject_for(category);
            bool assigned = strcmp(status, "new") != 0;
            bool done_state = !strcmp(status, "resolved") || !strcmp(status, "closed");
            bool cancelled = !strcmp(status, "cancelled");
            /* resolved some hours to days after, closed a day or more after
             * that: never after now (then it is still resolved) */
            int64_t resolved_t = 0, closed_t = 0;
            if (done_state) {
                resolved_t = at + 3600 * (2 + rn(rn(4) ? 30 : 96));
                if (resolved_t > now - 3600)
                    resolved_t = at + (now - 3600 - at) / 2;
                if (!strcmp(status, "closed")) {
                    closed_t = resolved_t + 3600 * (24 + rn(48));
                    if (closed_t > now - 600)
                        closed_t = 0, status = "resolved";
                }
            }
            char resolved[ISO_TIME_LEN] = "", closed[ISO_TIME_LEN] = "";
            if (resolved_t)
                time_iso(resolved_t, resolved);
            if (closed_t)
                time_iso(closed_t, closed);
            else if (cancelled)
                time_iso(at + 3600 * (1 + rn(24)), closed);
            int64_t num;
            if ((rc = number_next(cx, "О", year, &num)) != ERR_OK)
                return rc;
            const char *number = number_format(cx, "О", year, num);
            static const char *const prios[] = {"low",    "normal", "normal",
                                                "normal", "high",   "urgent"};
            static const char *const chans[] = {"phone", "phone",    "walk_in",
                                                "email", "web_form", "api"};
            char code[8];
            snprintf(code, sizeof(code), "%06d", rn(1000000));
            /* a question is never urgent */
            const char *prio = !strcmp(sj->type, "consultation") ? prios[rn(4)]
                               : recent && k < 3 && today > 6    ? "high"
                                                                 : prios[rn(6)];
            int64_t who = assigned ? staff[(recent ? k : rn(nstaff)) % nstaff] : 0;
            struct db_stmt *st = db_q(
                db, &cx->err,
                "INSERT INTO requests (version, created_at, updated_at, number, status, channel,\n"
                "    type, priority, subject, description, client_id, unit_id, assignee_id,\n"
                "    access_code, resolved_at, closed_at, contract_id)\n"
                "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)\n"
                "RETURNING id",
                "ttttttttIIItttI", created, number, status, chans[rn(6)], sj->type, prio,
                sj->subject, sj->description, client, unit, who, code, *resolved ? resolved : NULL,
                *closed ? closed : NULL, contract);
            bool ok;
            int64_t id = st ? insert_id(cx, st, &ok) : (ok = false, 0);
            if (!ok)
                return cx->err.code;
            /* the SLA clock as the desk would have set it, and its outcome
             * from the times */
            struct record *sla = record_new(cx, &entity_requests);
            setv(sla, REQ_PRIORITY, prio);
            struct value *cv = rec_set(sla, REQ_CONTRACT_ID);
            cv->set = true, cv->null = contract == 0, cv->i = contract;
            if ((rc = sla_apply(cx, sla, at)) != ERR_OK)
                return rc;
            const char *sla_state = rec_get(sla, REQ_SLA_STATE)->s;
            const char *due_s = rec_get(sla, REQ_RESOLUTION_DUE)->s;
            const char *warn_s = rec_get(sla, REQ_SLA_WARNING_AT)->s;
            const char *first_s = rec_get(sla, REQ_FIRST_RESPONSE_DUE)->s;
            int64_t due = 0, warn = 0, first_due = 0;
            bool clocked = strcmp(sla_state, "none") && due_s && time_parse(due_s, &due);
            if (clocked && (!warn_s || !time_parse(warn_s, &warn)))
                warn = due;
            if (clocked && (!first_s || !time_parse(first_s, &first_due)))
                first_due = due;
            if (clocked) {
                if (done_state)
                    sla_state = resolved_t <= due ? "met" : "breached";
                else if (cancelled)
                    sla_state = "none";
                else
                    sla_state = now > due ? "breached" : now > warn ? "warning" : "ok";
            }
            /* answered within the first-response term, or a bit late */
            char first_at[ISO_TIME_LEN] = "";
            if (assigned && !cancelled) {
                int64_t ft = at + 600 + rn(3000);
                if (clocked && rn(8) && ft > first_due)
                    ft = first_due - 60 > at ? first_due - 60 : at + 60;
                if (ft > now)
                    ft = now;
                if (resolved_t && ft > resolved_t)
                    ft = resolved_t;
                time_iso(ft, first_at);
            }
            if ((rc = db_run(db, &cx->err,
                             "UPDATE requests SET sla_policy_id = $2, first_response_due = $3,\n"
                             "    resolution_due = $4, sla_warning_at = $5, sla_state = $6,\n"
                             "    first_response_at = $7, sla_source = $8\n"
                             "WHERE id = $1",
                             "iItttttt", id,
                             rec_get(sla, REQ_SLA_POLICY_ID)->null
                                 ? (int64_t)0
                                 : rec_get(sla, REQ_SLA_POLICY_ID)->i,
                             first_s, due_s, warn_s, sla_state, *first_at ? first_at : NULL,
                             rec_get(sla, REQ_SLA_SOURCE)->null
                                 ? NULL
                                 : rec_get(sla, REQ_SLA_SOURCE)->s)) != ERR_OK)
                return rc;
            struct record *rec = record_new(cx, &entity_requests);
            setv(rec, REQ_NUMBER, number);
            setv(rec, REQ_SUBJECT, sj->subject);
            setv(rec, REQ_DESCRIPTION, sj->description);
            if ((rc = db_search_put(db, "requests", id, entity_search_text(cx, rec), &cx->err)) !=
                    ERR_OK ||
                (rc = db_run(db, &cx->err,
                             "INSERT INTO events (entity, record_id, at, kind, public, to_state)\n"
                             "VALUES ('requests', $1, $2, 'created', 1, 'new')",
                             "it", id, created)) != ERR_OK)
                return rc;
            /* the last move: to where it is now */
            const char *moved = *closed     ? closed
                                : *resolved ? resolved
                                : *first_at ? first_at
                                            : created;
            if (assigned &&
                (rc = db_run(db, &cx->err,
                             "INSERT INTO events (entity, record_id, at, kind, public,\n"
                             "                    from_state, to_state)\n"
                             "VALUES ('requests', $1, $2, 'status', 1, 'new', $3)",
                             "itt", id, moved, status)) != ERR_OK)
                return rc;
            /* about a third of the clients rated the work, most of them
             * well, a few low; some a while after it was done */
            if (resolved_t && rn(3) == 0) {
                static const struct {
                    int rating;
                    const char *comment;
                } rates[] = {{5, "Быстро и вежливо, спасибо!"},
                             {5, NULL},
                             {5, "Всё работает, мастер объяснил причину"},
                             {4, "Хорошо, но пришлось подождать"},
                             {4, NULL},
                             {3, "Сделали, но сроки сорвали"},
                             {2, "Долго ждали запчасть, никто не перезвонил"},
                             {1, "Неисправность вернулась через день"}};
                /* one rating in five is a low one (3 and below), the rest
                 * good: a small demo has both */
                static int nrated;
                int r = nrated++ % 5 == 2 ? 5 + rn(3) : rn(5);
                int64_t rt = resolved_t + 600 + rn(2 * 86400);
                if (rt > now - 60)
                    rt = now - 60;
                char rated[ISO_TIME_LEN], stars[4];
                time_iso(rt, rated);
                snprintf(stars, sizeof(stars), "%d", rates[r].rating);
                if ((rc = db_run(db, &cx->err,
                                 "UPDATE requests SET rating = $2, rating_comment = $3,\n"
                                 "    rated_at = $4\n"
                                 "WHERE id = $1",
                                 "iitt", id, (int64_t)rates[r].rating, rates[r].comment, rated)) !=
                        ERR_OK ||
                    (rc =
                         db_run(db, &cx->err,
                                "INSERT INTO events (entity, record_id, at, author, kind, public,\n"
                                "                    body, to_state)\n"
                                "VALUES ('requests', $1, $2, 'client', 'rating', 1, $3, $4)",
                                "ittt", id, rated, rates[r].comment, stars)) != ERR_OK)
                    return rc;
            }
            (*made)++;
        }
        if ((rc = db_commit(db, &cx->err)) != ERR_OK || (rc = ctx_sync(cx)) != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* A few routing rules as a service desk keeps them (made with the demo
 * requests: a base without requests gets none). */
static enum err_code demo_rules(struct ctx *cx, int64_t *made)
{
    static const struct {
        const char *name, *type, *channel, *words, *queue, *priority;
        int position;
    } rules[] = {
        {"Претензии — в отдел качества", "complaint", NULL, NULL, "Качество", "high", 900},
        {"Кассовая техника", NULL, NULL, "касса ККТ фискальный чек", "ККТ", NULL, 910},
        {"Заявки с сайта", NULL, "web_form", NULL, "Входящие с сайта", NULL, 920},
    };
    *made = 0;
    for (size_t i = 0; i < ARRAY_LEN(rules); i++) {
        int64_t one;
        bool found;
        enum err_code rc =
            db_get_i64(cx->db, &cx->err, &one, &found,
                       "SELECT 1 FROM routing_rules WHERE name = $1", "t", rules[i].name);
        if (rc != ERR_OK)
            return rc;
        if (found)
            continue;
        struct record *in = record_new(cx, &entity_routing_rules), *out;
        setv(in, RULE_NAME, rules[i].name);
        setv(in, RULE_COND_TYPE, rules[i].type);
        setv(in, RULE_COND_CHANNEL, rules[i].channel);
        setv(in, RULE_COND_WORDS, rules[i].words);
        setv(in, RULE_SET_QUEUE, rules[i].queue);
        setv(in, RULE_SET_PRIORITY, rules[i].priority);
        setv(in, RULE_ASSIGN_MODE, "none");
        struct value *pos = rec_set(in, RULE_POSITION);
        pos->set = true, pos->null = false, pos->i = rules[i].position;
        if ((rc = entity_create(cx, &entity_routing_rules, in, &out)) != ERR_OK)
            return rc;
        (*made)++;
    }
    return ERR_OK;
}

int cmd_demo(int argc, char **argv)
{
    int64_t scale = 200;
    const char *s = cli_opt(argc, argv, "--scale");
    if (s && (!parse_i64(s, strlen(s), &scale) || scale < 1 || scale > 10000000)) {
        fprintf(stderr, "servitor: --scale takes the number of clients, 1 to 10 000 000\n");
        return 2;
    }
    int64_t nreq = scale / 2;
    const char *r = cli_opt(argc, argv, "--requests");
    if (r && (!parse_i64(r, strlen(r), &nreq) || nreq < 0 || nreq > 100000000)) {
        fprintf(stderr, "servitor: --requests takes a number, 0 to 100 000 000\n");
        return 2;
    }
    const char *url = cli_db_url(argc, argv);
    struct arena a;
    arena_init(&a, 1 << 16);
    struct ctx cx = {.a = &a};
    if (!cli_begin(&cx, url, CTX_WRITE)) {
        arena_free(&a);
        return 1;
    }
    struct db *db = cx.db;
    rng_state ^= (uint64_t)time_now_ms();
    int64_t t0 = time_now_ms();

    /* branches and users go through the entity layer: few, and audited */
    int64_t branches[3] = {0};
    for (int i = 0; i < 3; i++) {
        bool found;
        if (db_get_i64(db, &cx.err, &branches[i], &found, "SELECT id FROM branches WHERE name = $1",
                       "t", branch_names[i]) != ERR_OK)
            return fail(&cx, db);
        if (found)
            continue;
        struct record *in = record_new(&cx, &entity_branches), *out;
        setv(in, BRANCH_NAME, branch_names[i]);
        setv(in, BRANCH_ADDRESS, branch_addr[i]);
        setv(in, BRANCH_PHONE, i == 2 ? "+73432100000" : "+74951230000");
        setv(in, BRANCH_TIMEZONE, branch_tz[i]);
        if (entity_create(&cx, &entity_branches, in, &out) != ERR_OK)
            return fail(&cx, db);
        branches[i] = out->id;
    }
    bool admin_created, c;
    if (ensure_user(&cx, "admin", "Администратор", "admin", "admin12345", 0, &admin_created) !=
            ERR_OK ||
        ensure_user(&cx, "manager", "Ольга Сергеевна Белова", "manager", "demo12345", branches[0],
                    &c) != ERR_OK ||
        ensure_user(&cx, "engineer", "Пётр Иванович Ковалёв", "technician", "demo12345",
                    branches[0], &c) != ERR_OK ||
        ensure_user(&cx, "engineer2", "Сергей Викторович Орлов", "technician", "demo12345",
                    branches[0], &c) != ERR_OK ||
        ensure_user(&cx, "engineer3", "Алексей Николаевич Жуков", "technician", "demo12345",
                    branches[2], &c) != ERR_OK ||
        ensure_user(&cx, "store", "Мария Олеговна Лисицына", "storekeeper", "demo12345",
                    branches[0], &c) != ERR_OK ||
        ensure_user(&cx, "sales", "Денис Алексеевич Рябов", "sales", "demo12345", branches[1],
                    &c) != ERR_OK ||
        ensure_user(&cx, "auditor", "Инна Павловна Крылова", "auditor", "demo12345", 0, &c) !=
            ERR_OK)
        return fail(&cx, db);

    /* equipment models */
    int64_t model_ids[ARRAY_LEN(models)];
    for (size_t i = 0; i < ARRAY_LEN(models); i++) {
        bool found;
        if (db_get_i64(db, &cx.err, &model_ids[i], &found,
                       "SELECT id FROM equipment_models WHERE brand = $1 AND model = $2", "tt",
                       models[i].brand, models[i].model) != ERR_OK)
            return fail(&cx, db);
        if (found)
            continue;
        struct record *in = record_new(&cx, &entity_equipment_models), *out;
        setv(in, MODEL_BRAND, models[i].brand);
        setv(in, MODEL_MODEL, models[i].model);
        setv(in, MODEL_CATEGORY, models[i].category);
        struct value *v = rec_set(in, MODEL_WARRANTY_MONTHS);
        v->set = true;
        v->i = models[i].months;
        if (entity_create(&cx, &entity_equipment_models, in, &out) != ERR_OK)
            return fail(&cx, db);
        model_ids[i] = out->id;
    }

    char now[ISO_TIME_LEN];
    time_now_iso(now);
    int64_t nclients = 0, ncontacts = 0, nunits = 0;
    for (int64_t done = 0; done < scale;) {
        arena_reset(&a);
        if (db_begin_write(db, &cx.err) != ERR_OK)
            return fail(&cx, db);
        for (int b = 0; b < BATCH && done < scale; b++, done++) {
            bool company = rn(100) < 40;
            char inn[13] = "", phone[16], kpp[10] = "";
            const char *name;
            if (company) {
                const char *form = PICK(company_forms);
                if (!strcmp(form, "ИП")) {
                    const char *pn;
                    person_name(&cx, &pn);
                    name = arena_printf(&a, "ИП %s", pn);
                    make_inn12(inn);
                } else {
                    const char *word = PICK(company_words);
                    name = arena_printf(&a, "%s «%s»", form, word);
                    /* a name taken: the company gets its own (each name once) */
                    for (int tries = 0; tries < 50; tries++) {
                        int64_t one;
                        bool taken;
                        if (db_get_i64(db, &cx.err, &one, &taken,
                                       "SELECT 1 FROM clients WHERE name = $1", "t",
                                       name) != ERR_OK)
                            return fail(&cx, db);
                        if (!taken)
                            break;
                        name = arena_printf(&a, "%s «%s-%d»", form, word, 2 + rn(998));
                    }
                    make_inn10(inn);
                    snprintf(kpp, sizeof(kpp), "%04d01001", 7700 + rn(99));
                }
            } else {
                person_name(&cx, &name);
                if (rn(10) == 0)
                    make_inn12(inn);
            }
            make_phone(phone);
            const char *email = rn(3) ? arena_printf(&a, "client%lld@%s", (long long)(done + 1),
                                                     company ? "company.ru" : "mail.ru")
                                      : NULL;
            /* people live in flats; companies have an office or a building */
            const char *addr =
                company ? arena_printf(&a, "г. %s, %s, д. %d%s", PICK(cities), PICK(streets),
                                       1 + rn(120),
                                       rn(2) ? arena_printf(&a, ", офис %d", 1 + rn(400)) : "")
                        : arena_printf(&a, "г. %s, %s, д. %d, кв. %d", PICK(cities), PICK(streets),
                                       1 + rn(120), 1 + rn(300));
            const char *note = PICK(notes);
            bool consent = rn(10) < 8;
            char consent_date[ISO_DATE_LEN] = "";
            if (consent)
                snprintf(consent_date, sizeof(consent_date), "202%d-%02d-%02d", 3 + rn(3),
                         1 + rn(12), 1 + rn(28));
            struct db_stmt *st = db_q(
                db, &cx.err,
                "INSERT INTO clients (version, created_at, updated_at, kind, name, phone, email,\n"
                "                     inn, kpp, address, branch_id, pd_consent, pd_consent_date,\n"
                "                     notes)\n"
                "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)\n"
                "ON CONFLICT DO NOTHING\n"
                "RETURNING id",
                "ttttttttiitt", now, company ? "company" : "person", name, phone, email,
                *inn ? inn : NULL, *kpp ? kpp : NULL, addr, branches[rn(3)], (int64_t)consent,
                consent ? consent_date : NULL, note);
            bool ok;
            int64_t cid = st ? insert_id(&cx, st, &ok) : (ok = false, 0);
            if (!ok)
                return fail(&cx, db);
            if (!cid)
                continue; /* a duplicate ИНН: skip */
            nclients++;
            struct record *r = record_new(&cx, &entity_clients);
            setv(r, CLIENT_NAME, name);
            setv(r, CLIENT_PHONE, phone);
            setv(r, CLIENT_EMAIL, email);
            setv(r, CLIENT_INN, *inn ? inn : NULL);
            setv(r, CLIENT_ADDRESS, addr);
            setv(r, CLIENT_NOTES, note);
            if (db_search_put(db, "clients", cid, entity_search_text(&cx, r), &cx.err) != ERR_OK)
                return fail(&cx, db);

            for (int k = company ? 1 + rn(3) : 0; k > 0; k--) {
                const char *cn;
                person_name(&cx, &cn);
                const char *pos = PICK(positions);
                make_phone(phone);
                st =
                    db_q(db, &cx.err,
                         "INSERT INTO contacts (version, created_at, updated_at, client_id, name,\n"
                         "                      position, phone, email)\n"
                         "VALUES (1, $1, $1, $2, $3, $4, $5, NULL)\n"
                         "RETURNING id",
                         "titts", now, cid, cn, pos, phone);
                int64_t id = st ? insert_id(&cx, st, &ok) : (ok = false, 0);
                if (!ok)
                    return fail(&cx, db);
                r = record_new(&cx, &entity_contacts);
                setv(r, CONTACT_NAME, cn);
                setv(r, CONTACT_POSITION, pos);
                setv(r, CONTACT_PHONE, phone);
                if (db_search_put(db, "contacts", id, entity_search_text(&cx, r), &cx.err) !=
                    ERR_OK)
                    return fail(&cx, db);
                ncontacts++;
            }
            for (int k = rn(3) + (company ? 1 : 0); k > 0; k--) {
                int m = rn((int)ARRAY_LEN(models));
                char serial[24], purchase[ISO_DATE_LEN], until[ISO_DATE_LEN];
                snprintf(serial, sizeof(serial), "%c%c%08llu", 'A' + rn(26), 'A' + rn(26),
                         (unsigned long long)(rnd() % 100000000ull));
                int y = 2022 + rn(4), mo = 1 + rn(12), d = 1 + rn(28);
                snprintf(purchase, sizeof(purchase), "%04d-%02d-%02d", y, mo, d);
                date_add_months(y, mo, d, models[m].months, until);
                bool ours = rn(3) > 0;
                st =
                    db_q(db, &cx.err,
                         "INSERT INTO equipment_units (version, created_at, updated_at, model_id,\n"
                         "    serial, client_id, purchase_date, warranty_until, sold_by_us)\n"
                         "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7)\n"
                         "ON CONFLICT DO NOTHING\n"
                         "RETURNING id",
                         "tititti", now, model_ids[m], serial, cid, purchase, until, (int64_t)ours);
                int64_t id = st ? insert_id(&cx, st, &ok) : (ok = false, 0);
                if (!ok)
                    return fail(&cx, db);
                if (!id)
                    continue;
                r = record_new(&cx, &entity_equipment_units);
                setv(r, UNIT_SERIAL, serial);
                if (db_search_put(db, "equipment_units", id, entity_search_text(&cx, r), &cx.err) !=
                    ERR_OK)
                    return fail(&cx, db);
                nunits++;
            }
        }
        if (db_commit(db, &cx.err) != ERR_OK || ctx_sync(&cx) != ERR_OK)
            return fail(&cx, db);
    }
    /* contracts go through the entity layer too: few, and audited */
    int64_t ncontracts = 0;
    arena_reset(&a);
    if (db_begin_write(db, &cx.err) != ERR_OK || demo_contract_terms(&cx, &ncontracts) != ERR_OK ||
        db_commit(db, &cx.err) != ERR_OK)
        return fail(&cx, db);
    int64_t narticles = 0;
    if (db_begin_write(db, &cx.err) != ERR_OK ||
        demo_articles(&cx, model_ids, &narticles) != ERR_OK || db_commit(db, &cx.err) != ERR_OK)
        return fail(&cx, db);
    int64_t nrequests = 0, nrules = 0;
    if (demo_requests(&cx, nreq, &nrequests) != ERR_OK)
        return fail(&cx, db);
    if (nreq > 0 && (db_begin_write(db, &cx.err) != ERR_OK || demo_rules(&cx, &nrules) != ERR_OK ||
                     db_commit(db, &cx.err) != ERR_OK))
        return fail(&cx, db);
    if (demo_stock(&cx) != ERR_OK)
        return fail(&cx, db);
    if (demo_purchasing(&cx) != ERR_OK || demo_purchase_orders(&cx) != ERR_OK)
        return fail(&cx, db);
    int64_t nrepairs = 0;
    if (demo_workshop(&cx, &nrepairs) != ERR_OK)
        return fail(&cx, db);
    /* the rows went in directly: count them once */
    if (db_begin_write(db, &cx.err) != ERR_OK || request_recount(&cx) != ERR_OK ||
        db_commit(db, &cx.err) != ERR_OK)
        return fail(&cx, db);
    if (db_begin_write(db, &cx.err) != ERR_OK ||
        audit_append(&cx, "demo", "clients", 0, NULL,
                     arena_printf(&a,
                                  "{\"clients\":%lld,\"contacts\":%lld,\"units\":%lld,"
                                  "\"requests\":%lld}",
                                  (long long)nclients, (long long)ncontacts, (long long)nunits,
                                  (long long)nrequests)) != ERR_OK ||
        db_commit(db, &cx.err) != ERR_OK)
        return fail(&cx, db);
    if (cli_end(&cx, ERR_OK) != ERR_OK) {
        fprintf(stderr, "servitor: demo data failed: %s\n", cx.err.message);
        arena_free(&a);
        return 1;
    }
    printf("servitor: demo data in %s: %lld clients, %lld contacts, %lld equipment units, "
           "%lld contracts, %lld articles, %lld requests (%.1f s)\n",
           url, (long long)nclients, (long long)ncontacts, (long long)nunits, (long long)ncontracts,
           (long long)narticles, (long long)nrequests, (double)(time_now_ms() - t0) / 1000.0);
    if (admin_created)
        printf("servitor: log in as admin / admin12345 (other demo users: manager, engineer, "
               "engineer2, engineer3, store, sales, auditor — password demo12345)\n");
    arena_free(&a);
    return 0;
}
