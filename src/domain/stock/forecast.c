/* forecast.c — demand forecasting and replenishment arithmetic (domain layer).
 *
 * Reading order: the models (each writes forecasts from a range of origins
 * in one pass over the history), their fitting (small grids, Holt-Winters'
 * run for all grid points at once), the backtest and the choice, then the
 * normal quantile and the replenishment figures. */
#include "forecast.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static const char *const model_names[] = {
#define X(name, str) str,
    FORECAST_MODEL_LIST(X)
#undef X
};

const char *forecast_model_name(enum forecast_model m)
{
    return (unsigned)m < FM__COUNT ? model_names[m] : NULL;
}

void forecast_config_default(struct forecast_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->season = FORECAST_SEASON;
    cfg->horizon = 26;
    cfg->backtest_weeks = 13;
    cfg->backtest_steps = 4;
    cfg->ma_window = 13;
}

void forecast_stock_default(struct forecast_stock *s)
{
    memset(s, 0, sizeof(*s));
    s->review_days = 7;
    s->service_level = 0.95;
}

/* Names the field, sets ERR_INVALID with the message. */
static enum err_code invalid(struct err *e, const char *field, const char *code, const char *fmt,
                             ...) __attribute__((format(printf, 4, 5)));
static enum err_code invalid(struct err *e, const char *field, const char *code, const char *fmt,
                             ...)
{
    char msg[sizeof(e->message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    err_field(e, field, code);
    return err_set(e, ERR_INVALID, "%s", msg);
}

/* ---- the models -------------------------------------------------------------
 * model_path() writes, for every origin o in [o0, n] (o weeks known), the
 * forecasts of the `steps` weeks after it into rows[(o - o0) * steps + j - 1];
 * the row of origin o reads y[0..o-1] only. Forecasts are raw here (they may
 * be negative); the callers clamp them at 0. */

/* the level, trend and seasonal state of Holt-Winters */
struct hw_state {
    double l, b;
    double s[FORECAST_SEASON_MAX];
    int start; /* the first week the filter consumes */
};

/* Initial state from the first `avail` weeks. Seasonal (m > 0): the level is
 * the first season's mean, the trend the change of the seasonal means over a
 * season when two seasons are known (else 0), the level moved to week m − 1
 * along that trend, the seasonal terms the first season's deviations from
 * the trend line (they sum to 0). Without a season: a least-squares line
 * through the first ten weeks gives level and trend at week 0. */
static void hw_init(const double *y, int avail, int m, struct hw_state *st)
{
    if (m > 0) {
        double m1 = 0, m2 = 0;
        for (int i = 0; i < m; i++)
            m1 += y[i];
        m1 /= m;
        st->b = 0;
        if (avail >= 2 * m) {
            for (int i = m; i < 2 * m; i++)
                m2 += y[i];
            m2 /= m;
            st->b = (m2 - m1) / m;
        }
        double mid = (m - 1) / 2.0;
        st->l = m1 + st->b * mid;
        for (int i = 0; i < m; i++)
            st->s[i] = y[i] - (m1 + st->b * (i - mid));
        st->start = m;
        return;
    }
    int r = avail < 10 ? avail : 10;
    double tm = (r - 1) / 2.0, ym = 0, sxy = 0, sxx = 0;
    for (int i = 0; i < r; i++)
        ym += y[i];
    ym /= r;
    for (int i = 0; i < r; i++) {
        sxy += (i - tm) * (y[i] - ym);
        sxx += (i - tm) * (i - tm);
    }
    st->b = sxx > 0 ? sxy / sxx : 0;
    st->l = ym - st->b * tm;
    st->start = 1;
}

/* Holt-Winters, additive season, damped trend (Gardner & McKenzie 1985; the
 * error-correction form of Hyndman et al. 2008, ETS(A,Ad,A)):
 *   ŷ(t) = l + φb + s(t−m)
 *   l'   = α(y − s(t−m)) + (1−α)(l + φb)
 *   b'   = β(l' − l) + (1−β)φb
 *   s(t) = γ(y − l − φb) + (1−γ)s(t−m)
 *   ŷ(t+h | t) = l + (φ + … + φ^h)b + s(t+h−m⌈h/m⌉) */
static void hw_path(const double *y, int n, const struct forecast_params *p, int o0, int steps,
                    double *rows)
{
    struct hw_state st;
    int m = p->season;
    hw_init(y, o0 < 2 * FORECAST_SEASON_MAX ? o0 : 2 * FORECAST_SEASON_MAX, m, &st);
    double a = p->alpha, be = p->beta, g = p->gamma, phi = p->phi;
    for (int t = st.start; t <= n; t++) {
        if (t >= o0) {
            double *row = rows + (size_t)(t - o0) * steps, damp = 0, ph = 1;
            for (int j = 1; j <= steps; j++) {
                ph *= phi;
                damp += ph;
                row[j - 1] = st.l + damp * st.b + (m ? st.s[(t - 1 + j) % m] : 0);
            }
        }
        if (t == n)
            break;
        double lp = st.l, pb = phi * st.b, sj = m ? st.s[t % m] : 0;
        st.l = a * (y[t] - sj) + (1 - a) * (lp + pb);
        st.b = be * (st.l - lp) + (1 - be) * pb;
        if (m)
            st.s[t % m] = g * (y[t] - lp - pb) + (1 - g) * sj;
    }
}

/* Croston's method (1972): sizes z and intervals x between demands smoothed
 * with α at each demand, forecast z/x; SBA (Syntetos & Boylan 2005) multiplies
 * by 1 − α/2 to remove Croston's bias. Before the first demand the forecast
 * is 0; the first demand sets z to its size and x to the weeks up to it.
 * Returns the in-sample sum of squared one-step errors (weeks after the
 * first demand); rows may be NULL when only that is wanted. */
static double croston_path(const double *y, int n, double alpha, bool sba, int o0, int steps,
                           double *rows)
{
    double z = 0, x = 1, sse = 0, k = sba ? 1 - alpha / 2 : 1;
    bool seen = false;
    int q = 0;
    for (int t = 0; t <= n; t++) {
        double f = seen ? k * z / x : 0;
        if (rows && t >= o0)
            for (int j = 0; j < steps; j++)
                rows[(size_t)(t - o0) * steps + j] = f;
        if (t == n)
            break;
        if (seen)
            sse += (y[t] - f) * (y[t] - f);
        q++;
        if (y[t] > 0) {
            if (!seen) {
                z = y[t];
                x = q;
                seen = true;
            } else {
                z += alpha * (y[t] - z);
                x += alpha * (q - x);
            }
            q = 0;
        }
    }
    return sse;
}

static void model_path(enum forecast_model m, const double *y, int n,
                       const struct forecast_params *p, int o0, int steps, double *rows)
{
    switch (m) {
    case FM_NAIVE:
    case FM_SEASONAL_NAIVE: {
        /* lag L: ŷ(o−1+j) = y(o−1+j − L⌈j/L⌉); L = 1 is the naive forecast */
        int lag = m == FM_NAIVE ? 1 : p->season;
        for (int o = o0; o <= n; o++)
            for (int j = 1; j <= steps; j++)
                rows[(size_t)(o - o0) * steps + j - 1] = y[o - 1 + j - lag * ((j - 1) / lag + 1)];
        return;
    }
    case FM_MOVING_AVERAGE:
        for (int o = o0; o <= n; o++) {
            int w = p->window < o ? p->window : o;
            double sum = 0;
            for (int i = o - w; i < o; i++)
                sum += y[i];
            for (int j = 0; j < steps; j++)
                rows[(size_t)(o - o0) * steps + j] = sum / w;
        }
        return;
    case FM_CROSTON:
    case FM_SBA:
        croston_path(y, n, p->alpha, m == FM_SBA, o0, steps, rows);
        return;
    case FM_HOLT_WINTERS:
        hw_path(y, n, p, o0, steps, rows);
        return;
    case FM__COUNT:
        break;
    }
}

/* ---- fitting ----------------------------------------------------------------
 * Smoothing parameters come from small grids, minimising the in-sample sum of
 * squared one-step errors. Holt-Winters runs every grid point in the same
 * pass over the history: the inner loop over grid points has no dependency
 * between iterations, so it pipelines (and vectorises) where a point-by-point
 * search would wait on each step's level. */

static const double croston_alphas[] = {0.05, 0.1, 0.2, 0.3};

static const double hw_alphas[] = {0.05, 0.15, 0.3, 0.5};
static const double hw_betas[] = {0.02, 0.1};
static const double hw_gammas[] = {0.05, 0.2, 0.4};
static const double hw_phis[] = {0.8, 0.9, 0.98};
#define NELEM(a) (int)(sizeof(a) / sizeof((a)[0]))
#define HW_GRID  (NELEM(hw_alphas) * NELEM(hw_betas) * NELEM(hw_gammas) * NELEM(hw_phis))

static void hw_fit(const double *y, int n, struct forecast_params *p)
{
    int m = p->season, ng = m ? NELEM(hw_gammas) : 1, G = 0;
    double A[HW_GRID], B[HW_GRID], C[HW_GRID], P[HW_GRID];
    for (int ia = 0; ia < NELEM(hw_alphas); ia++)
        for (int ib = 0; ib < NELEM(hw_betas); ib++)
            for (int ig = 0; ig < ng; ig++)
                for (int ip = 0; ip < NELEM(hw_phis); ip++, G++) {
                    A[G] = hw_alphas[ia];
                    B[G] = hw_betas[ib];
                    C[G] = m ? hw_gammas[ig] : 0;
                    P[G] = hw_phis[ip];
                }
    struct hw_state st;
    hw_init(y, n, m, &st);
    double l[HW_GRID], b[HW_GRID], sse[HW_GRID];
    for (int g = 0; g < G; g++) {
        l[g] = st.l;
        b[g] = st.b;
        sse[g] = 0;
    }
    if (m) {
        double s[FORECAST_SEASON_MAX][HW_GRID];
        for (int i = 0; i < m; i++)
            for (int g = 0; g < G; g++)
                s[i][g] = st.s[i];
        for (int t = st.start; t < n; t++) {
            double yt = y[t], *sj = s[t % m];
            for (int g = 0; g < G; g++) {
                double lp = l[g], pb = P[g] * b[g], e = yt - (lp + pb + sj[g]);
                sse[g] += e * e;
                double ln = A[g] * (yt - sj[g]) + (1 - A[g]) * (lp + pb);
                b[g] = B[g] * (ln - lp) + (1 - B[g]) * pb;
                sj[g] = C[g] * (yt - lp - pb) + (1 - C[g]) * sj[g];
                l[g] = ln;
            }
        }
    } else {
        for (int t = st.start; t < n; t++) {
            double yt = y[t];
            for (int g = 0; g < G; g++) {
                double lp = l[g], pb = P[g] * b[g], e = yt - (lp + pb);
                sse[g] += e * e;
                double ln = A[g] * yt + (1 - A[g]) * (lp + pb);
                b[g] = B[g] * (ln - lp) + (1 - B[g]) * pb;
                l[g] = ln;
            }
        }
    }
    int best = 0;
    for (int g = 1; g < G; g++)
        if (sse[g] < sse[best])
            best = g;
    p->alpha = A[best];
    p->beta = B[best];
    p->gamma = C[best];
    p->phi = P[best];
}

static double croston_fit(const double *y, int n, bool sba)
{
    double best = croston_alphas[0], best_sse = INFINITY;
    for (int i = 0; i < NELEM(croston_alphas); i++) {
        double sse = croston_path(y, n, croston_alphas[i], sba, n + 1, 0, NULL);
        if (sse < best_sse) {
            best_sse = sse;
            best = croston_alphas[i];
        }
    }
    return best;
}

/* weeks a seasonal Holt-Winters fit needs beyond the first season */
#define HW_MIN_FIT 8

/* The model's shape for `known` weeks of training: the season it may use,
 * the window; false when it cannot run on so little. */
static bool model_shape(enum forecast_model m, const struct forecast_config *cfg, int known,
                        struct forecast_params *p)
{
    memset(p, 0, sizeof(*p));
    switch (m) {
    case FM_SEASONAL_NAIVE:
        p->season = known >= cfg->season ? cfg->season : 1;
        return known >= 1;
    case FM_MOVING_AVERAGE:
        p->window = cfg->ma_window;
        return known >= 1;
    case FM_HOLT_WINTERS:
        p->season = known >= cfg->season + HW_MIN_FIT ? cfg->season : 0;
        return known >= 1;
    default:
        return known >= 1;
    }
}

/* Fits the smoothing parameters on y[0..n-1], keeping the shape. */
static void model_fit(enum forecast_model m, const double *y, int n, struct forecast_params *p)
{
    if (m == FM_CROSTON || m == FM_SBA)
        p->alpha = croston_fit(y, n, m == FM_SBA);
    else if (m == FM_HOLT_WINTERS)
        hw_fit(y, n, p);
}

/* ---- input ------------------------------------------------------------------ */

static enum err_code check_config(const struct forecast_config *cfg, struct err *e)
{
    if (cfg->season < 2 || cfg->season > FORECAST_SEASON_MAX)
        return invalid(e, "season", "out_of_range", "season: %d weeks is not within 2..%d",
                       cfg->season, FORECAST_SEASON_MAX);
    if (cfg->horizon < 1 || cfg->horizon > FORECAST_HORIZON_MAX)
        return invalid(e, "horizon", "out_of_range", "horizon: %d weeks is not within 1..%d",
                       cfg->horizon, FORECAST_HORIZON_MAX);
    if (cfg->backtest_weeks < 1 || cfg->backtest_weeks > FORECAST_BACKTEST_MAX)
        return invalid(e, "backtest_weeks", "out_of_range",
                       "backtest_weeks: %d is not within 1..%d", cfg->backtest_weeks,
                       FORECAST_BACKTEST_MAX);
    if (cfg->backtest_steps < 1 || cfg->backtest_steps > FORECAST_STEPS_MAX)
        return invalid(e, "backtest_steps", "out_of_range",
                       "backtest_steps: %d is not within 1..%d", cfg->backtest_steps,
                       FORECAST_STEPS_MAX);
    if (cfg->ma_window < 1 || cfg->ma_window > FORECAST_WEEKS_MAX)
        return invalid(e, "ma_window", "out_of_range", "ma_window: %d is not within 1..%d",
                       cfg->ma_window, FORECAST_WEEKS_MAX);
    if (cfg->models >> FM__COUNT)
        return invalid(e, "models", "unknown", "models: unknown model bits %#x", cfg->models);
    return ERR_OK;
}

/* Checks the history and converts it to doubles. */
static enum err_code load_history(const int64_t *history, int weeks, double *y, struct err *e)
{
    if (weeks < 1 || !history)
        return invalid(e, "history", "required", "history: no weeks given");
    if (weeks > FORECAST_WEEKS_MAX)
        return invalid(e, "history", "too_long", "history: %d weeks is more than %d", weeks,
                       FORECAST_WEEKS_MAX);
    for (int i = 0; i < weeks; i++) {
        if (history[i] < 0)
            return invalid(e, "history", "negative", "history: week %d is negative (%lld)", i + 1,
                           (long long)history[i]);
        if (history[i] > FORECAST_QTY_MAX)
            return invalid(e, "history", "too_large", "history: week %d is more than %lld", i + 1,
                           (long long)FORECAST_QTY_MAX);
        y[i] = (double)history[i];
    }
    return ERR_OK;
}

static enum err_code check_params(enum forecast_model m, const struct forecast_params *p, int n,
                                  struct err *e)
{
    bool smooth = m == FM_CROSTON || m == FM_SBA || m == FM_HOLT_WINTERS;
    if (smooth && !(p->alpha >= 0 && p->alpha <= 1))
        return invalid(e, "alpha", "out_of_range", "alpha: not within 0..1");
    if (m == FM_HOLT_WINTERS &&
        (!(p->beta >= 0 && p->beta <= 1) || !(p->gamma >= 0 && p->gamma <= 1) ||
         !(p->phi >= 0 && p->phi <= 1)))
        return invalid(e, "params", "out_of_range", "params: beta, gamma, phi not within 0..1");
    if (m == FM_SEASONAL_NAIVE && (p->season < 1 || p->season > n))
        return invalid(e, "season", "out_of_range", "season: %d is not within 1..%d weeks known",
                       p->season, n);
    if (m == FM_HOLT_WINTERS &&
        (p->season < 0 || p->season > FORECAST_SEASON_MAX || (p->season > 0 && p->season > n)))
        return invalid(e, "season", "out_of_range", "season: %d is not within 0..%d weeks known",
                       p->season, n < FORECAST_SEASON_MAX ? n : FORECAST_SEASON_MAX);
    if (m == FM_MOVING_AVERAGE && p->window < 1)
        return invalid(e, "window", "out_of_range", "window: must be at least 1");
    return ERR_OK;
}

static double clamp0(double x) { return x > 0 ? x : 0; }

enum err_code forecast_model_run(enum forecast_model model, const int64_t *history, int weeks,
                                 const struct forecast_config *cfg, struct forecast_params *params,
                                 double *out, struct err *e)
{
    double y[FORECAST_WEEKS_MAX];
    enum err_code rc;
    if ((unsigned)model >= FM__COUNT)
        return invalid(e, "model", "unknown", "model: unknown model %d", (int)model);
    if ((rc = check_config(cfg, e)) != ERR_OK ||
        (rc = load_history(history, weeks, y, e)) != ERR_OK)
        return rc;
    struct forecast_params p;
    if (cfg->fixed) {
        p = cfg->params;
        if ((rc = check_params(model, &p, weeks, e)) != ERR_OK)
            return rc;
    } else {
        model_shape(model, cfg, weeks, &p);
        model_fit(model, y, weeks, &p);
    }
    model_path(model, y, weeks, &p, weeks, cfg->horizon, out);
    for (int j = 0; j < cfg->horizon; j++)
        out[j] = clamp0(out[j]);
    *params = p;
    return ERR_OK;
}

/* ---- the backtest and the choice --------------------------------------------
 * Rolling origin (Tashman 2000): origins o = n−k … n−1; each model's
 * parameters are fitted once on the weeks before the first origin, then its
 * state follows the actuals, and from each origin the next `steps` weeks are
 * forecast and compared with what happened. */

/* The in-sample scale of MASE and RMSSE (Hyndman & Koehler 2006): the
 * seasonal naive forecast's one-step errors on the training weeks, or the
 * naive one's when no season fits or the seasonal errors are all 0. */
static void backtest_scale(const double *y, int o0, int m, struct forecast_result *r)
{
    for (int pass = 0; pass < 2; pass++) {
        int lag = pass == 0 ? m : 1;
        if (o0 <= lag)
            continue;
        double sa = 0, ss = 0;
        for (int t = lag; t < o0; t++) {
            double d = y[t] - y[t - lag];
            sa += fabs(d);
            ss += d * d;
        }
        r->scale_lag = lag;
        r->scale_mae = sa / (o0 - lag);
        r->scale_mse = ss / (o0 - lag);
        r->scale_ok = r->scale_mae > 0;
        if (r->scale_ok)
            return;
    }
}

/* the root mean square of week-to-week changes: the error spread of a naive
 * forecast, for histories too short to backtest */
static double naive_spread(const double *y, int n)
{
    double ss = 0;
    for (int t = 1; t < n; t++)
        ss += (y[t] - y[t - 1]) * (y[t] - y[t - 1]);
    return sqrt(ss / (n - 1));
}

/* a is better than b by more than rounding */
static bool better(double a, double b) { return a < b - 1e-9 * (fabs(b) + 1); }

enum err_code forecast_select(const int64_t *history, int weeks, const struct forecast_config *cfg,
                              struct forecast_result *out, struct err *e)
{
    double y[FORECAST_WEEKS_MAX];
    double rows[(FORECAST_BACKTEST_MAX + 1) * FORECAST_STEPS_MAX];
    double onestep[FM__COUNT][FORECAST_BACKTEST_MAX];
    enum err_code rc;
    if ((rc = check_config(cfg, e)) != ERR_OK ||
        (rc = load_history(history, weeks, y, e)) != ERR_OK)
        return rc;
    struct forecast_result *r = out;
    memset(r, 0, sizeof(*r));
    int n = weeks, H = cfg->backtest_steps, m = cfg->season;
    unsigned mask = cfg->models ? cfg->models : (1u << FM__COUNT) - 1;
    r->weeks = n;
    r->horizon = cfg->horizon;

    int nonzero = 0;
    for (int t = 0; t < n; t++)
        nonzero += y[t] > 0;
    r->adi = nonzero ? (double)n / nonzero : 0;
    r->intermittent = nonzero > 0 && r->adi >= FORECAST_ADI_INTERMITTENT;

    int o0 = n - cfg->backtest_weeks > 1 ? n - cfg->backtest_weeks : 1;
    r->first_origin = o0;
    r->origins = n - o0;
    backtest_scale(y, o0, m, r);

    /* MAE ranks as MASE does (one scale for every model), MSE as RMSSE; on
     * intermittent demand MAE favours forecasts biased towards zero (the
     * median of mostly-zero weeks), so those series are ranked by squares */
    r->criterion = r->origins == 0 ? "none" : r->intermittent ? "rmsse" : "mase";
    int chosen = -1;
    for (int mi = 0; mi < FM__COUNT; mi++) {
        struct forecast_score *sc = &r->scores[mi];
        if (!(mask & (1u << mi)))
            continue;
        if (r->origins == 0) {
            /* nothing to score: the first candidate, shaped by what is known */
            if (chosen < 0)
                chosen = mi;
            continue;
        }
        if (!model_shape(mi, cfg, o0, &sc->params))
            continue;
        /* a seasonal model without a full season only repeats another one */
        if ((mi == FM_SEASONAL_NAIVE && sc->params.season < m) || (mi == FM_HOLT_WINTERS && o0 < 3))
            continue;
        sc->eligible = true;
        model_fit(mi, y, o0, &sc->params);
        model_path(mi, y, n, &sc->params, o0, H, rows);
        double sa = 0, ss = 0, se = 0, sp = 0;
        for (int o = o0; o < n; o++) {
            const double *row = rows + (size_t)(o - o0) * H;
            onestep[mi][o - o0] = clamp0(row[0]);
            for (int j = 1; j <= H && o - 1 + j < n; j++) {
                double a = y[o - 1 + j], err = clamp0(row[j - 1]) - a;
                sa += fabs(err);
                ss += err * err;
                se += err;
                sc->points++;
                if (a > 0) {
                    sp += fabs(err) / a;
                    sc->mape_points++;
                }
            }
        }
        sc->mae = sa / sc->points;
        sc->rmse = sqrt(ss / sc->points);
        sc->bias = se / sc->points;
        sc->mape = sc->mape_points ? 100 * sp / sc->mape_points : 0;
        if (r->scale_ok) {
            sc->mase = sc->mae / r->scale_mae;
            sc->rmsse = sqrt(ss / sc->points / r->scale_mse);
        }
        if (chosen < 0 || (r->intermittent ? better(sc->rmse, r->scores[chosen].rmse)
                                           : better(sc->mae, r->scores[chosen].mae)))
            chosen = mi;
    }
    if (chosen < 0)
        return invalid(e, "models", "none_eligible",
                       "models: no candidate model can run on %d weeks", n);

    r->model = chosen;
    r->name = model_names[chosen];
    if (r->origins > 0) {
        /* the same shape as in the backtest, the parameters refitted on everything */
        struct forecast_params shape = r->scores[chosen].params;
        r->params = shape;
        model_fit(chosen, y, n, &r->params);
        memcpy(r->backtest, onestep[chosen], sizeof(double) * r->origins);
    } else {
        model_shape(chosen, cfg, n, &r->params);
        model_fit(chosen, y, n, &r->params);
    }
    model_path(chosen, y, n, &r->params, n, cfg->horizon, r->forecast);
    for (int j = 0; j < cfg->horizon; j++)
        r->forecast[j] = clamp0(r->forecast[j]);

    /* the error spread: the one-step backtest errors' root mean square
     * (bias included: a forecast that runs low needs more stock) */
    if (r->origins >= FORECAST_SIGMA_MIN_POINTS) {
        double ss = 0;
        for (int i = 0; i < r->origins; i++) {
            double d = r->backtest[i] - y[o0 + i];
            ss += d * d;
        }
        r->sigma = sqrt(ss / r->origins);
        r->sigma_source = "backtest";
    } else if (n >= 2) {
        r->sigma = naive_spread(y, n);
        r->sigma_source = "history";
    } else {
        r->sigma = y[0];
        r->sigma_source = "one_week";
    }
    return ERR_OK;
}

/* ---- the normal quantile ----------------------------------------------------
 * Wichura, M. J. (1988). Algorithm AS 241: The percentage points of the
 * normal distribution. Applied Statistics 37(3), 477–484 (PPND16). */
/* coefficients highest power first, from the paper (as Python's statistics
 * module carries them) */
static const double as241_a[] = {2.5090809287301226727e+3, 3.3430575583588128105e+4,
                                 6.7265770927008700853e+4, 4.5921953931549871457e+4,
                                 1.3731693765509461125e+4, 1.9715909503065514427e+3,
                                 1.3314166789178437745e+2, 3.3871328727963666080e+0};
static const double as241_b[] = {5.2264952788528545610e+3, 2.8729085735721942674e+4,
                                 3.9307895800092710610e+4, 2.1213794301586595867e+4,
                                 5.3941960214247511077e+3, 6.8718700749205790830e+2,
                                 4.2313330701600911252e+1, 1.0};
static const double as241_c[] = {7.7454501427834140764e-4, 2.2723844989269184583e-2,
                                 2.4178072517745061177e-1, 1.2704582524523683826e+0,
                                 3.6478483247632045368e+0, 5.7694972214606914055e+0,
                                 4.6303378461565452959e+0, 1.4234371107496835773e+0};
static const double as241_d[] = {1.0507500716444168432e-9, 5.4759380849953449460e-4,
                                 1.5198666563616457197e-2, 1.4810397642748007459e-1,
                                 6.8976733498510000455e-1, 1.6763848301838038494e+0,
                                 2.0531916266377588219e+0, 1.0};
static const double as241_e[] = {2.0103343992922881327e-7, 2.7115555687434875782e-5,
                                 1.2426609473880784386e-3, 2.6532189526576123093e-2,
                                 2.9656057182850489123e-1, 1.7848265399172913358e+0,
                                 5.4637849111641143699e+0, 6.6579046435011037772e+0};
static const double as241_f[] = {2.0442631033899397856e-15, 1.4215117583164458887e-7,
                                 1.8463183175100546818e-5,  7.8686913114561329059e-4,
                                 1.4875361290850614853e-2,  1.3692988092273580531e-1,
                                 5.9983220655588793769e-1,  1.0};

/* Horner's rule over eight coefficients */
static double poly8(const double *c, double r)
{
    double v = c[0];
    for (int i = 1; i < 8; i++)
        v = v * r + c[i];
    return v;
}

double forecast_norm_quantile(double p)
{
    if (!(p > 0 && p < 1))
        return NAN;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * poly8(as241_a, r) / poly8(as241_b, r);
    }
    double r = sqrt(-log(q < 0 ? p : 1 - p)), x;
    if (r <= 5)
        x = poly8(as241_c, r - 1.6) / poly8(as241_d, r - 1.6);
    else
        x = poly8(as241_e, r - 5) / poly8(as241_f, r - 5);
    return q < 0 ? -x : x;
}

/* ---- replenishment ---------------------------------------------------------- */

/* ∫₀ˣ of the weekly forecast taken as constant within each week: the demand
 * over the first x (fractional) weeks */
static double demand_until(const struct forecast_result *fc, double x)
{
    double sum = 0;
    int w = (int)x;
    for (int i = 0; i < w && i < fc->horizon; i++)
        sum += fc->forecast[i];
    if (w < fc->horizon)
        sum += (x - w) * fc->forecast[w];
    return sum;
}

/* rounds a quantity up to a whole thousandth, forgiving the last bits of
 * floating-point noise */
static int64_t qty_ceil(double x) { return x > 1e-6 ? (int64_t)ceil(x - 1e-6) : 0; }

static enum err_code check_stock(const int64_t v, const char *field, struct err *e)
{
    if (v < 0)
        return invalid(e, field, "negative", "%s: must not be negative (%lld)", field,
                       (long long)v);
    if (v > FORECAST_STOCK_MAX)
        return invalid(e, field, "too_large", "%s: more than %lld", field,
                       (long long)FORECAST_STOCK_MAX);
    return ERR_OK;
}

enum err_code forecast_replenish(const struct forecast_result *fc, const struct forecast_stock *s,
                                 struct forecast_order *out, struct err *e)
{
    enum err_code rc;
    if ((rc = check_stock(s->on_hand, "on_hand", e)) != ERR_OK ||
        (rc = check_stock(s->on_order, "on_order", e)) != ERR_OK ||
        (rc = check_stock(s->reserved, "reserved", e)) != ERR_OK ||
        (rc = check_stock(s->moq, "moq", e)) != ERR_OK ||
        (rc = check_stock(s->pack, "pack", e)) != ERR_OK)
        return rc;
    if (s->lead_time_days < 0 || s->lead_time_days > FORECAST_LEAD_DAYS_MAX)
        return invalid(e, "lead_time_days", "out_of_range",
                       "lead_time_days: %d is not within 0..%d", s->lead_time_days,
                       FORECAST_LEAD_DAYS_MAX);
    if (s->review_days < 0 || s->review_days > FORECAST_REVIEW_DAYS_MAX)
        return invalid(e, "review_days", "out_of_range", "review_days: %d is not within 0..%d",
                       s->review_days, FORECAST_REVIEW_DAYS_MAX);
    if (!(s->service_level >= 0.5 && s->service_level <= 0.9999))
        return invalid(e, "service_level", "out_of_range", "service_level: not within 0.5..0.9999");
    if (s->minmax) {
        if ((rc = check_stock(s->min_qty, "min_qty", e)) != ERR_OK ||
            (rc = check_stock(s->max_qty, "max_qty", e)) != ERR_OK)
            return rc;
        if (s->min_qty > s->max_qty)
            return invalid(e, "max_qty", "below_min", "max_qty: %lld is below min_qty %lld",
                           (long long)s->max_qty, (long long)s->min_qty);
    } else if (!fc) {
        return invalid(e, "forecast", "required", "forecast: none, and no min/max rule to go by");
    }
    memset(out, 0, sizeof(*out));
    if (fc) {
        double L = s->lead_time_days / 7.0, R = s->review_days / 7.0;
        if ((int)ceil(L + R) > fc->horizon)
            return invalid(e, "lead_time_days", "beyond_horizon",
                           "lead_time_days: lead time and review (%.1f weeks) reach beyond the "
                           "forecast (%d weeks)",
                           L + R, fc->horizon);
        out->lead_weeks = L;
        out->review_weeks = R;
        out->z = forecast_norm_quantile(s->service_level);
        out->demand_lead = demand_until(fc, L);
        out->demand_review = demand_until(fc, L + R) - out->demand_lead;
        out->sigma_lead = fc->sigma * sqrt(L);
        out->safety_stock = qty_ceil(out->z * out->sigma_lead);
        out->forecast_reorder_point = qty_ceil(out->demand_lead) + out->safety_stock;
        out->forecast_order_up_to = out->forecast_reorder_point + qty_ceil(out->demand_review);
    }
    /* a min/max rule is the planner's explicit decision: it overrides */
    out->rule = s->minmax ? FR_MINMAX : FR_FORECAST;
    out->reorder_point = s->minmax ? s->min_qty : out->forecast_reorder_point;
    out->order_up_to = s->minmax ? s->max_qty : out->forecast_order_up_to;
    out->position = s->on_hand + s->on_order - s->reserved;
    out->reorder = out->position <= out->reorder_point && out->order_up_to > out->position;
    if (!out->reorder)
        return ERR_OK;
    out->need = out->order_up_to - out->position;
    int64_t q = out->need > s->moq ? out->need : s->moq;
    if (s->pack > 0)
        q = (q + s->pack - 1) / s->pack * s->pack;
    out->quantity = q;
    return ERR_OK;
}
