/* warranty.c — the warranty decision and the calendar arithmetic of the legal
 * clocks (domain layer; pure functions, unit-tested in test_workshop.c). */
#include "workshop.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

const char *const warranty_sources[] = {
    [WS_NONE] = "none",         [WS_UNIT] = "unit",     [WS_REPAIR] = "repair",
    [WS_CONTRACT] = "contract", [WS_MANUAL] = "manual", NULL,
};

static bool given(const char *s) { return s && *s; }

void warranty_decide(const struct warranty_facts *f, struct warranty_decision *out)
{
    memset(out, 0, sizeof(*out));
    const char *today = f->today;
    /* ISO dates compare as text */
    if (given(f->unit_warranty_until) && strcmp(f->unit_warranty_until, today) >= 0) {
        out->warranty = true;
        out->source = WS_UNIT;
        snprintf(out->reason, sizeof(out->reason), "гарантия на изделие до %s",
                 f->unit_warranty_until);
    } else if (given(f->repair_until) && strcmp(f->repair_until, today) >= 0) {
        out->warranty = true;
        out->source = WS_REPAIR;
        snprintf(out->reason, sizeof(out->reason), "гарантия на ремонт %s до %s",
                 given(f->repair_number) ? f->repair_number : "", f->repair_until);
    } else if (given(f->contract_number)) {
        out->warranty = true;
        out->source = WS_CONTRACT;
        snprintf(out->reason, sizeof(out->reason), "сервисный договор %s", f->contract_number);
    } else {
        out->source = WS_NONE;
        if (given(f->unit_warranty_until))
            snprintf(out->reason, sizeof(out->reason), "гарантия на изделие истекла %s",
                     f->unit_warranty_until);
        else
            snprintf(out->reason, sizeof(out->reason), "нет гарантии и договора");
    }
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

bool date_add_days(const char *date, int days, char out[ISO_DATE_LEN])
{
    int y, m, d;
    if (!date || !date_parse(date, &y, &m, &d))
        return false;
    civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
    snprintf(out, ISO_DATE_LEN, "%04d-%02d-%02d", y, m, d);
    return true;
}

bool date_diff_days(const char *from, const char *to, int *days)
{
    int y1, m1, d1, y2, m2, d2;
    if (!from || !to || !date_parse(from, &y1, &m1, &d1) || !date_parse(to, &y2, &m2, &d2))
        return false;
    *days = (int)(days_from_civil(y2, m2, d2) - days_from_civil(y1, m1, d1));
    return true;
}

void repair_day_of(const char *iso_time, char out[ISO_DATE_LEN])
{
    int64_t t;
    char iso[ISO_TIME_LEN];
    if (!iso_time || !time_parse(iso_time, &t))
        t = time_now();
    time_iso(t + 3 * 3600, iso); /* Moscow, UTC+3 */
    memcpy(out, iso, 10);
    out[10] = 0;
}
