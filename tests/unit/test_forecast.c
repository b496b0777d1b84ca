/* test_forecast.c — the forecasting and replenishment arithmetic
 * (src/domain/stock/forecast.c): each model on small series computed by
 * hand, the backtest's figures, the choice on seasonal and intermittent
 * demand, the edge histories, bad input, the normal quantile, safety stock
 * and order quantities with MOQ and pack rounding.
 *
 * Expected numbers come from the arithmetic in the comments; where a grid
 * search makes that too long (Holt-Winters, Croston fitted), from a Python
 * transcription of the same recurrences run once (noted at each case). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "domain/stock/forecast.h"

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static struct forecast_config config(int season, int horizon)
{
    struct forecast_config c;
    forecast_config_default(&c);
    c.season = season;
    c.horizon = horizon;
    return c;
}

static void run(enum forecast_model m, const int64_t *y, int n, const struct forecast_config *c,
                struct forecast_params *p, double *out)
{
    struct err e;
    err_clear(&e);
    if (forecast_model_run(m, y, n, c, p, out, &e) != ERR_OK)
        fail_msg("%s: %s", forecast_model_name(m), e.message);
}

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.12g, want %.12g (±%g)", got, want, tol);
}

/* the field named by the error */
static const char *field(const struct err *e) { return e->nfields ? e->fields[0].name : ""; }

/* ---- the models ---------------------------------------------------------- */

static void naive_repeats_the_last_week(void **state)
{
    (void)state;
    int64_t y[] = {1000, 2000, 3000};
    struct forecast_config c = config(52, 3);
    struct forecast_params p;
    double f[3];
    run(FM_NAIVE, y, N(y), &c, &p, f);
    for (int j = 0; j < 3; j++)
        assert_near(f[j], 3000, 0);
}

static void seasonal_naive_repeats_the_last_season(void **state)
{
    (void)state;
    /* season 4: weeks 5..8 come back, then week 5 again */
    int64_t y[] = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000};
    struct forecast_config c = config(4, 6);
    struct forecast_params p;
    double f[6], want[] = {5000, 6000, 7000, 8000, 5000, 6000};
    run(FM_SEASONAL_NAIVE, y, N(y), &c, &p, f);
    assert_int_equal(p.season, 4);
    for (int j = 0; j < 6; j++)
        assert_near(f[j], want[j], 0);
}

static void seasonal_naive_without_a_full_season_is_naive(void **state)
{
    (void)state;
    int64_t y[] = {1000, 2000, 3000};
    struct forecast_config c = config(4, 2);
    struct forecast_params p;
    double f[2];
    run(FM_SEASONAL_NAIVE, y, N(y), &c, &p, f);
    assert_int_equal(p.season, 1);
    assert_near(f[0], 3000, 0);
    assert_near(f[1], 3000, 0);
}

static void moving_average_of_the_window(void **state)
{
    (void)state;
    int64_t y[] = {1000, 2000, 3000, 4000};
    struct forecast_config c = config(52, 2);
    struct forecast_params p;
    double f[2];
    c.ma_window = 3; /* (2000 + 3000 + 4000) / 3 */
    run(FM_MOVING_AVERAGE, y, N(y), &c, &p, f);
    assert_int_equal(p.window, 3);
    assert_near(f[0], 3000, 1e-9);
    assert_near(f[1], 3000, 1e-9);
    c.ma_window = 13; /* longer than the history: all four weeks, 10000 / 4 */
    run(FM_MOVING_AVERAGE, y, N(y), &c, &p, f);
    assert_near(f[0], 2500, 1e-9);
}

static void croston_and_sba_by_hand(void **state)
{
    (void)state;
    /* α = 0.5. The first demand (3000) comes in week 3: z = 3000, x = 3.
     * The next (2000) 4 weeks later: z = 3000 + 0.5·(2000 − 3000) = 2500,
     * x = 3 + 0.5·(4 − 3) = 3.5. Croston: 2500 / 3.5 = 714.2857…;
     * SBA: (1 − 0.5/2) · 714.2857… = 535.7142… */
    int64_t y[] = {0, 0, 3000, 0, 0, 0, 2000, 0};
    struct forecast_config c = config(52, 2);
    c.fixed = true;
    c.params.alpha = 0.5;
    struct forecast_params p;
    double f[2];
    run(FM_CROSTON, y, N(y), &c, &p, f);
    assert_near(f[0], 2500.0 / 3.5, 1e-9);
    assert_near(f[1], 2500.0 / 3.5, 1e-9);
    run(FM_SBA, y, N(y), &c, &p, f);
    assert_near(f[0], 0.75 * 2500.0 / 3.5, 1e-9);
}

static void croston_before_any_demand_forecasts_zero(void **state)
{
    (void)state;
    int64_t y[] = {0, 0, 0};
    struct forecast_config c = config(52, 1);
    struct forecast_params p;
    double f[1];
    run(FM_CROSTON, y, N(y), &c, &p, f);
    assert_near(f[0], 0, 0);
}

static void croston_fits_alpha_on_its_grid(void **state)
{
    (void)state;
    /* in-sample one-step squared errors for α = 0.05, 0.1, 0.2, 0.3
     * (Python check of the same recurrence):
     *   Croston 61753632.0, 62064768.3, 62892617.4, 63901852.6 → α = 0.05,
     *           forecast 1241.238446675624
     *   SBA     61373563.0, 61400397.1, 61814009.0, 62480962.6 → α = 0.05,
     *           forecast 1210.2074855087333 */
    int64_t y[] = {0, 0, 4000, 0, 0, 0, 0, 2000, 0, 0, 6000, 0, 0, 0, 0, 0, 3000, 0, 0, 5000};
    struct forecast_config c = config(52, 1);
    struct forecast_params p;
    double f[1];
    run(FM_CROSTON, y, N(y), &c, &p, f);
    assert_near(p.alpha, 0.05, 0);
    assert_near(f[0], 1241.238446675624, 1e-6);
    run(FM_SBA, y, N(y), &c, &p, f);
    assert_near(p.alpha, 0.05, 0);
    assert_near(f[0], 1210.2074855087333, 1e-6);
}

static void holt_winters_by_hand(void **state)
{
    (void)state;
    /* season 2, α = β = γ = 0.5, φ = 1. Two seasons known: means 3000 and
     * 4000, trend b = (4000 − 3000)/2 = 500; level at week 2 of the first
     * season l = 3000 + 500·0.5 = 3250; s0 = 4000 − (3000 − 250) = 1250,
     * s1 = 2000 − (3000 + 250) = −1250.
     * week 3 (6000): l = .5(6000 − 1250) + .5(3250 + 500) = 4250,
     *   b = .5(4250 − 3250) + .5·500 = 750, s0 = .5(6000 − 3750) + .5·1250 = 1750
     * week 4 (2000): l = .5(2000 + 1250) + .5(4250 + 750) = 4125,
     *   b = .5(4125 − 4250) + .5·750 = 312.5, s1 = .5(2000 − 5000) − .5·1250 = −2125
     * forecasts: 4125 + 312.5 + 1750 = 6187.5; 4125 + 625 − 2125 = 2625;
     *            4125 + 937.5 + 1750 = 6812.5 */
    int64_t y[] = {4000, 2000, 6000, 2000};
    struct forecast_config c = config(2, 3);
    c.fixed = true;
    c.params =
        (struct forecast_params){.season = 2, .alpha = .5, .beta = .5, .gamma = .5, .phi = 1};
    struct forecast_params p;
    double f[3];
    run(FM_HOLT_WINTERS, y, N(y), &c, &p, f);
    assert_near(f[0], 6187.5, 1e-9);
    assert_near(f[1], 2625, 1e-9);
    assert_near(f[2], 6812.5, 1e-9);
}

static void holt_winters_damped_over_a_longer_horizon(void **state)
{
    (void)state;
    /* season 4, α .5 β .2 γ .3 φ .9, twelve weeks (Python check):
     * 12600.574535247099, 16268.967825781743, 9585.928206155777,
     * 7807.770479049062, 12914.200845772393 */
    int64_t y[] = {10000, 14000, 8000, 6000, 11000, 15500, 8500, 6500, 12500, 16000, 9000, 7500};
    double want[] = {12600.574535247099, 16268.967825781743, 9585.928206155777, 7807.770479049062,
                     12914.200845772393};
    struct forecast_config c = config(4, 5);
    c.fixed = true;
    c.params =
        (struct forecast_params){.season = 4, .alpha = .5, .beta = .2, .gamma = .3, .phi = .9};
    struct forecast_params p;
    double f[5];
    run(FM_HOLT_WINTERS, y, N(y), &c, &p, f);
    for (int j = 0; j < 5; j++)
        assert_near(f[j], want[j], 1e-6);
}

static void holt_winters_fits_its_grid(void **state)
{
    (void)state;
    /* the same twelve weeks, parameters from the grid by in-sample squared
     * one-step error (Python check over the same 72 points):
     * α .05 β .02 γ .4 φ .98 → 12813.599319105786, 16688.831299830836,
     * 10011.149362806744, 8196.33349470522, 13508.370761093152 */
    int64_t y[] = {10000, 14000, 8000, 6000, 11000, 15500, 8500, 6500, 12500, 16000, 9000, 7500};
    double want[] = {12813.599319105786, 16688.831299830836, 10011.149362806744, 8196.33349470522,
                     13508.370761093152};
    struct forecast_config c = config(4, 5);
    struct forecast_params p;
    double f[5];
    run(FM_HOLT_WINTERS, y, N(y), &c, &p, f);
    assert_int_equal(p.season, 4);
    assert_near(p.alpha, .05, 0);
    assert_near(p.beta, .02, 0);
    assert_near(p.gamma, .4, 0);
    assert_near(p.phi, .98, 0);
    for (int j = 0; j < 5; j++)
        assert_near(f[j], want[j], 1e-6);
}

static void holt_winters_without_a_season_is_damped_holt(void **state)
{
    (void)state;
    /* eight weeks < season 4 + 8: no seasonal part. Level and trend start
     * from a least-squares line; the grid (Python check) gives α .05 β .1
     * φ .98 → 5494.197214372484, 5784.30444743068, 6068.609535827712 */
    int64_t y[] = {3000, 3500, 3300, 4100, 4400, 4300, 5000, 5600};
    struct forecast_config c = config(4, 3);
    struct forecast_params p;
    double f[3];
    run(FM_HOLT_WINTERS, y, N(y), &c, &p, f);
    assert_int_equal(p.season, 0);
    assert_near(p.alpha, .05, 0);
    assert_near(p.beta, .1, 0);
    assert_near(p.phi, .98, 0);
    assert_near(f[0], 5494.197214372484, 1e-6);
    assert_near(f[1], 5784.30444743068, 1e-6);
    assert_near(f[2], 6068.609535827712, 1e-6);
}

static void holt_winters_continues_an_exact_season(void **state)
{
    (void)state;
    /* a pattern repeated without noise: the initial state already explains
     * every week, so whatever the grid picks, the pattern comes back */
    int64_t y[36];
    int64_t pat[] = {5000, 9000, 3000, 7000};
    for (int t = 0; t < 36; t++)
        y[t] = pat[t % 4];
    struct forecast_config c = config(4, 8);
    struct forecast_params p;
    double f[8];
    run(FM_HOLT_WINTERS, y, N(y), &c, &p, f);
    for (int j = 0; j < 8; j++)
        assert_near(f[j], (double)pat[j % 4], 1e-6);
}

static void forecasts_never_go_negative(void **state)
{
    (void)state;
    /* a steep fall: the trend would take Holt below zero */
    int64_t y[] = {90000, 70000, 50000, 30000, 10000};
    struct forecast_config c = config(52, 10);
    c.fixed = true;
    c.params = (struct forecast_params){.alpha = .9, .beta = .9, .phi = 1};
    struct forecast_params p;
    double f[10];
    run(FM_HOLT_WINTERS, y, N(y), &c, &p, f);
    assert_near(f[9], 0, 0);
    for (int j = 0; j < 10; j++)
        assert_true(f[j] >= 0);
}

/* ---- the backtest and the choice ------------------------------------------ */

static struct forecast_result select_ok(const int64_t *y, int n, const struct forecast_config *c)
{
    struct forecast_result r;
    struct err e;
    err_clear(&e);
    if (forecast_select(y, n, c, &r, &e) != ERR_OK)
        fail_msg("select: %s", e.message);
    return r;
}

static void backtest_figures_by_hand(void **state)
{
    (void)state;
    /* naive only, the last 3 weeks as origins, 2 weeks ahead from each:
     *   origin 2 (knows 2000, 4000): week 3 4000 vs 3000 → +1000,
     *                                week 4 4000 vs 0    → +4000
     *   origin 3 (… 3000):           week 4 3000 vs 0    → +3000,
     *                                week 5 3000 vs 5000 → −2000
     *   origin 4 (… 0):              week 5 0    vs 5000 → −5000
     * MAE 15000/5 = 3000; RMSE √((1+16+9+4+25)e6/5) = √11e6; bias 1000/5 = 200;
     * MAPE over non-zero actuals only (weeks 3, 5, 5): (1/3 + 2/5 + 1)/3;
     * the scale: training weeks 2000, 4000 — shorter than a season, so the
     * naive change |4000 − 2000| = 2000: MASE 1.5, RMSSE √(11e6 / 4e6);
     * ADI 5/4 < 1.32: not intermittent, ranked by MASE. Three origins are
     * too few for the spread: the naive changes of the whole history,
     * √((2² + 1² + 3² + 5²)e6 / 4) = √9.75e6 */
    int64_t y[] = {2000, 4000, 3000, 0, 5000};
    struct forecast_config c = config(52, 4);
    c.backtest_weeks = 3;
    c.backtest_steps = 2;
    c.models = 1u << FM_NAIVE;
    struct forecast_result r = select_ok(y, N(y), &c);
    const struct forecast_score *s = &r.scores[FM_NAIVE];
    assert_int_equal(r.model, FM_NAIVE);
    assert_string_equal(r.name, "naive");
    assert_int_equal(r.first_origin, 2);
    assert_int_equal(r.origins, 3);
    assert_true(s->eligible);
    assert_int_equal(s->points, 5);
    assert_near(s->mae, 3000, 1e-9);
    assert_near(s->rmse, sqrt(11e6), 1e-6);
    assert_near(s->bias, 200, 1e-9);
    assert_int_equal(s->mape_points, 3);
    assert_near(s->mape, 100 * (1.0 / 3 + 0.4 + 1) / 3, 1e-9);
    assert_true(r.scale_ok);
    assert_int_equal(r.scale_lag, 1);
    assert_near(s->mase, 1.5, 1e-12);
    assert_near(s->rmsse, sqrt(11.0 / 4), 1e-12);
    assert_false(r.intermittent);
    assert_near(r.adi, 1.25, 1e-12);
    assert_string_equal(r.criterion, "mase");
    /* the chart's one-step backtest: what each origin said of the next week */
    assert_near(r.backtest[0], 4000, 0);
    assert_near(r.backtest[1], 3000, 0);
    assert_near(r.backtest[2], 0, 0);
    assert_string_equal(r.sigma_source, "history");
    assert_near(r.sigma, sqrt(9.75e6), 1e-6);
    for (int j = 0; j < 4; j++)
        assert_near(r.forecast[j], 5000, 0);
}

static void the_spread_comes_from_one_step_backtest_errors(void **state)
{
    (void)state;
    /* naive, 4 origins, one step: errors 4000−1000, 1000−5000, 5000−2000,
     * 2000−2000 → √((9 + 16 + 9 + 0)e6 / 4) = √8.5e6 */
    int64_t y[] = {3000, 4000, 1000, 5000, 2000, 2000};
    struct forecast_config c = config(52, 2);
    c.backtest_weeks = 4;
    c.backtest_steps = 1;
    c.models = 1u << FM_NAIVE;
    struct forecast_result r = select_ok(y, N(y), &c);
    assert_string_equal(r.sigma_source, "backtest");
    assert_near(r.sigma, sqrt(8.5e6), 1e-6);
}

/* xorshift, for reproducible noise */
static double rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void seasonal_demand_chooses_a_seasonal_model(void **state)
{
    (void)state;
    /* three years with a winter peak (±60 %) and ±10 % noise, 100 draws:
     * seasonal naive or Holt-Winters must win every one, and beat the naive
     * forecast's MASE by a quarter at least (measured: 40 % or more) */
    struct forecast_config c = config(52, 26);
    for (uint64_t seed = 1; seed <= 100; seed++) {
        uint64_t s = 0x9E3779B97F4A7C15ull * seed;
        int64_t y[156];
        for (int t = 0; t < 156; t++)
            y[t] = (int64_t)(10000 * (1 + 0.6 * cos(2 * M_PI * t / 52)) + 2000 * (rnd(&s) - 0.5));
        struct forecast_result r = select_ok(y, 156, &c);
        if (r.model != FM_SEASONAL_NAIVE && r.model != FM_HOLT_WINTERS)
            fail_msg("seed %d: %s chosen", (int)seed, r.name);
        assert_string_equal(r.criterion, "mase");
        assert_int_equal(r.scale_lag, 52);
        assert_true(r.scores[r.model].mase < 0.75 * r.scores[FM_NAIVE].mase);
        assert_int_equal(r.scores[FM_HOLT_WINTERS].params.season, 52);
    }
}

static void intermittent_demand_chooses_croston_or_sba(void **state)
{
    (void)state;
    /* a spare part asked for in a week out of four, 1 to 3 pieces, two
     * years, 200 draws. Ranked by RMSSE, Croston or SBA win most draws
     * (measured: 69 % over 2000 draws) and the forecasts that are mostly
     * zero (naive, seasonal naive) few (9 %); ranked by MASE they would not
     * (29 % and 49 %: MAE rewards forecasting the median, zero) */
    struct forecast_config c = config(52, 26);
    int croston = 0, zeroish = 0;
    for (uint64_t seed = 1; seed <= 200; seed++) {
        uint64_t s = 0x9E3779B97F4A7C15ull * seed;
        int64_t y[104];
        for (int t = 0; t < 104; t++)
            y[t] = rnd(&s) < 0.25 ? 1000 * (1 + (int)(3 * rnd(&s))) : 0;
        struct forecast_result r = select_ok(y, 104, &c);
        assert_true(r.intermittent);
        assert_string_equal(r.criterion, "rmsse");
        croston += r.model == FM_CROSTON || r.model == FM_SBA;
        zeroish += r.model == FM_NAIVE || r.model == FM_SEASONAL_NAIVE;
    }
    if (croston < 120 || zeroish > 30)
        fail_msg("croston/sba chosen %d of 200, naive %d", croston, zeroish);
}

static void regular_sparse_demand_chooses_croston(void **state)
{
    (void)state;
    /* 4000 every 3 to 6 weeks in a 20-week cycle that does not divide a
     * year (so last year's week says little): Croston's smoothed size over
     * interval settles near 4000/4 = 1000 a week, the moving average
     * wobbles with the count of demands in its window, naive jumps */
    static const int gaps[] = {3, 5, 4, 6, 2};
    int64_t y[104] = {0};
    for (int t = 2, i = 0; t < 104; t += gaps[i++ % 5])
        y[t] = 4000;
    struct forecast_config c = config(52, 26);
    struct forecast_result r = select_ok(y, 104, &c);
    assert_true(r.intermittent);
    if (r.model != FM_CROSTON && r.model != FM_SBA)
        fail_msg("%s chosen (rmsse croston %.3f sba %.3f ma %.3f)", r.name,
                 r.scores[FM_CROSTON].rmsse, r.scores[FM_SBA].rmsse,
                 r.scores[FM_MOVING_AVERAGE].rmsse);
    assert_true(r.forecast[0] > 800 && r.forecast[0] < 1200);
}

static void flat_zero_history(void **state)
{
    (void)state;
    /* nothing ever used: every model forecasts 0, all tie, the simplest
     * (naive) is kept; no scale, no MAPE (no non-zero actual), no spread */
    int64_t y[60] = {0};
    struct forecast_config c = config(52, 26);
    struct forecast_result r = select_ok(y, 60, &c);
    assert_int_equal(r.model, FM_NAIVE);
    assert_false(r.scale_ok);
    assert_false(r.intermittent);
    assert_near(r.adi, 0, 0);
    assert_int_equal(r.scores[FM_NAIVE].mape_points, 0);
    assert_near(r.scores[FM_NAIVE].mae, 0, 0);
    assert_near(r.sigma, 0, 0);
    for (int j = 0; j < 26; j++)
        assert_near(r.forecast[j], 0, 0);

    struct forecast_stock s;
    forecast_stock_default(&s);
    s.lead_time_days = 14;
    s.moq = 5000;
    struct forecast_order o;
    struct err e;
    err_clear(&e);
    assert_int_equal(forecast_replenish(&r, &s, &o, &e), ERR_OK);
    assert_int_equal(o.safety_stock, 0);
    assert_int_equal(o.reorder_point, 0);
    assert_false(o.reorder); /* nothing to bring up: no MOQ-sized order from nothing */
    assert_int_equal(o.quantity, 0);
}

static void one_week_of_history(void **state)
{
    (void)state;
    /* nothing to backtest: the naive forecast, the week itself as spread */
    int64_t y[] = {5000};
    struct forecast_config c = config(52, 4);
    struct forecast_result r = select_ok(y, 1, &c);
    assert_int_equal(r.model, FM_NAIVE);
    assert_int_equal(r.origins, 0);
    assert_string_equal(r.criterion, "none");
    assert_false(r.scores[FM_NAIVE].eligible);
    assert_string_equal(r.sigma_source, "one_week");
    assert_near(r.sigma, 5000, 0);
    for (int j = 0; j < 4; j++)
        assert_near(r.forecast[j], 5000, 0);
}

static void short_history_skips_seasonal_models(void **state)
{
    (void)state;
    /* 30 weeks: no season in the training weeks — seasonal naive would
     * only repeat naive; Holt-Winters runs without a seasonal part */
    int64_t y[30];
    for (int t = 0; t < 30; t++)
        y[t] = 1000 + 100 * (t % 7);
    struct forecast_config c = config(52, 8);
    struct forecast_result r = select_ok(y, 30, &c);
    assert_false(r.scores[FM_SEASONAL_NAIVE].eligible);
    assert_true(r.scores[FM_HOLT_WINTERS].eligible);
    assert_int_equal(r.scores[FM_HOLT_WINTERS].params.season, 0);
    assert_int_equal(r.scale_lag, 1);
    assert_true(r.model != FM_SEASONAL_NAIVE);
}

/* ---- bad input ------------------------------------------------------------ */

static void bad_history_is_refused(void **state)
{
    (void)state;
    struct forecast_config c = config(52, 4);
    struct forecast_result r;
    struct err e;
    int64_t neg[] = {1000, -1, 1000};
    int64_t big[] = {1000, FORECAST_QTY_MAX + 1};
    int64_t edge[] = {FORECAST_QTY_MAX, FORECAST_QTY_MAX, 0, FORECAST_QTY_MAX};
    static int64_t longer[FORECAST_WEEKS_MAX + 1];

    err_clear(&e);
    memset(&r, 0x5a, sizeof(r));
    assert_int_equal(forecast_select(neg, 3, &c, &r, &e), ERR_INVALID);
    assert_string_equal(field(&e), "history");
    assert_non_null(strstr(e.message, "week 2 is negative"));
    assert_int_equal(r.weeks, 0x5a5a5a5a); /* nothing written */

    err_clear(&e);
    assert_int_equal(forecast_select(big, 2, &c, &r, &e), ERR_INVALID);
    assert_string_equal(e.fields[0].code, "too_large");

    err_clear(&e);
    assert_int_equal(forecast_select(neg, 0, &c, &r, &e), ERR_INVALID);
    assert_string_equal(e.fields[0].code, "required");
    err_clear(&e);
    assert_int_equal(forecast_select(NULL, 3, &c, &r, &e), ERR_INVALID);

    err_clear(&e);
    assert_int_equal(forecast_select(longer, FORECAST_WEEKS_MAX + 1, &c, &r, &e), ERR_INVALID);
    assert_string_equal(e.fields[0].code, "too_long");

    /* the largest weeks allowed pass, and their sums stay finite */
    r = select_ok(edge, 4, &c);
    assert_true(isfinite(r.sigma) && isfinite(r.forecast[0]));
    r = select_ok(longer, FORECAST_WEEKS_MAX, &c);
    assert_near(r.forecast[0], 0, 0);
}

static void bad_config_is_refused(void **state)
{
    (void)state;
    int64_t y[] = {1000, 2000};
    struct forecast_result r;
    struct forecast_params p;
    double f[FORECAST_HORIZON_MAX];
    struct err e;
    struct forecast_config c;
    c = config(52, 0);
    err_clear(&e);
    assert_int_equal(forecast_select(y, 2, &c, &r, &e), ERR_INVALID);
    assert_string_equal(field(&e), "horizon");
    c = config(52, FORECAST_HORIZON_MAX + 1);
    err_clear(&e);
    assert_int_equal(forecast_model_run(FM_NAIVE, y, 2, &c, &p, f, &e), ERR_INVALID);
    assert_string_equal(field(&e), "horizon");
    c = config(1, 4);
    err_clear(&e);
    assert_int_equal(forecast_select(y, 2, &c, &r, &e), ERR_INVALID);
    assert_string_equal(field(&e), "season");
    c = config(52, 4);
    c.backtest_weeks = FORECAST_BACKTEST_MAX + 1;
    err_clear(&e);
    assert_int_equal(forecast_select(y, 2, &c, &r, &e), ERR_INVALID);
    assert_string_equal(field(&e), "backtest_weeks");
    c = config(52, 4);
    c.backtest_steps = 0;
    err_clear(&e);
    assert_int_equal(forecast_select(y, 2, &c, &r, &e), ERR_INVALID);
    assert_string_equal(field(&e), "backtest_steps");
    c = config(52, 4);
    c.models = 1u << FM__COUNT;
    err_clear(&e);
    assert_int_equal(forecast_select(y, 2, &c, &r, &e), ERR_INVALID);
    assert_string_equal(field(&e), "models");
    /* fixed parameters out of range */
    c = config(52, 4);
    c.fixed = true;
    c.params.alpha = 1.5;
    err_clear(&e);
    assert_int_equal(forecast_model_run(FM_CROSTON, y, 2, &c, &p, f, &e), ERR_INVALID);
    assert_string_equal(field(&e), "alpha");
    c.params = (struct forecast_params){.season = 3};
    err_clear(&e);
    assert_int_equal(forecast_model_run(FM_SEASONAL_NAIVE, y, 2, &c, &p, f, &e), ERR_INVALID);
    assert_string_equal(field(&e), "season");
    c.params.alpha = NAN;
    err_clear(&e);
    assert_int_equal(forecast_model_run(FM_HOLT_WINTERS, y, 2, &c, &p, f, &e), ERR_INVALID);
    err_clear(&e);
    assert_int_equal(forecast_model_run(FM__COUNT, y, 2, &c, &p, f, &e), ERR_INVALID);
    assert_string_equal(field(&e), "model");
}

/* ---- the normal quantile -------------------------------------------------- */

static void normal_quantiles(void **state)
{
    (void)state;
    /* reference values to 16 digits (Abramowitz & Stegun table 26.5, and
     * any arbitrary-precision inverse of Φ) */
    assert_near(forecast_norm_quantile(0.5), 0, 0);
    assert_near(forecast_norm_quantile(0.9), 1.2815515655446004, 1e-14);
    assert_near(forecast_norm_quantile(0.95), 1.6448536269514722, 1e-14);
    assert_near(forecast_norm_quantile(0.975), 1.9599639845400542, 1e-14);
    assert_near(forecast_norm_quantile(0.99), 2.3263478740408408, 1e-14);
    assert_near(forecast_norm_quantile(0.001), -3.0902323061678132, 1e-13);
    /* the far tail (the third branch) and symmetry */
    assert_near(forecast_norm_quantile(1e-10), -6.3613409024040557, 1e-12);
    for (double p = 0.0005; p < 1; p += 0.0125)
        assert_near(forecast_norm_quantile(p), -forecast_norm_quantile(1 - p), 1e-12);
    /* round trip through Φ(z) = erfc(−z/√2)/2 across all three branches */
    for (double p = 1e-12; p < 0.5; p *= 3.7)
        assert_near(0.5 * erfc(-forecast_norm_quantile(p) / M_SQRT2), p, 1e-14 * (p + 1e-3));
    assert_true(isnan(forecast_norm_quantile(0)));
    assert_true(isnan(forecast_norm_quantile(1)));
    assert_true(isnan(forecast_norm_quantile(NAN)));
}

/* ---- replenishment -------------------------------------------------------- */

/* a forecast of `w` a week for 26 weeks with a given spread */
static struct forecast_result flat_forecast(double w, double sigma)
{
    struct forecast_result r;
    memset(&r, 0, sizeof(r));
    r.horizon = 26;
    for (int j = 0; j < 26; j++)
        r.forecast[j] = w;
    r.sigma = sigma;
    return r;
}

static struct forecast_order replenish_ok(const struct forecast_result *fc,
                                          const struct forecast_stock *s)
{
    struct forecast_order o;
    struct err e;
    err_clear(&e);
    if (forecast_replenish(fc, s, &o, &e) != ERR_OK)
        fail_msg("replenish: %s", e.message);
    return o;
}

static void safety_stock_and_order_by_hand(void **state)
{
    (void)state;
    /* 1000 a week, spread 500, lead 10 days (L = 10/7 weeks), weekly review,
     * 95 % (z = 1.6448536…):
     *   demand over the lead time 1000·10/7 = 1428.57… → 1429
     *   σ_L = 500·√(10/7) = 597.614…; safety stock z·σ_L = 982.988… → 983
     *   reorder point 1429 + 983 = 2412; order-up-to 2412 + 1000 = 3412
     *   position 1500 + 500 − 300 = 1700 ≤ 2412: need 3412 − 1700 = 1712 */
    struct forecast_result fc = flat_forecast(1000, 500);
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.on_hand = 1500;
    s.on_order = 500;
    s.reserved = 300;
    s.lead_time_days = 10;
    struct forecast_order o = replenish_ok(&fc, &s);
    assert_int_equal(o.rule, FR_FORECAST);
    assert_near(o.z, 1.6448536269514722, 1e-14);
    assert_near(o.lead_weeks, 10.0 / 7, 1e-12);
    assert_near(o.demand_lead, 10000.0 / 7, 1e-9);
    assert_near(o.demand_review, 1000, 1e-9);
    assert_near(o.sigma_lead, 597.6143046671967, 1e-9);
    assert_int_equal(o.safety_stock, 983);
    assert_int_equal(o.forecast_reorder_point, 2412);
    assert_int_equal(o.reorder_point, 2412);
    assert_int_equal(o.order_up_to, 3412);
    assert_int_equal(o.position, 1700);
    assert_true(o.reorder);
    assert_int_equal(o.need, 1712);
    assert_int_equal(o.quantity, 1712);

    /* MOQ 2000 raises it to 2000; packs of 1500 then to 2 packs, 3000 */
    s.moq = 2000;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.quantity, 2000);
    s.pack = 1500;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.quantity, 3000);
    /* a need already a whole number of packs stays as it is */
    s.moq = 0;
    s.pack = 856; /* 1712 = 2·856 */
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.quantity, 1712);
    /* pieces: packs of one piece (1000 thousandths) → 2000 */
    s.pack = 1000;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.quantity, 2000);

    /* above the reorder point: nothing, whatever the MOQ */
    s.on_hand = 2300;
    s.moq = 5000;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.position, 2500);
    assert_false(o.reorder);
    assert_int_equal(o.quantity, 0);
    /* exactly at it: order */
    s.on_hand = 2212;
    o = replenish_ok(&fc, &s);
    assert_true(o.reorder);
    assert_int_equal(o.need, 1000);
    assert_int_equal(o.quantity, 5000);
}

static void service_level_moves_the_safety_stock(void **state)
{
    (void)state;
    /* lead 28 days: σ_L = 1000·√4 = 2000. 50 % → z 0 → none;
     * 99 % → 2.3263478740408408·2000 = 4652.69… → 4653 */
    struct forecast_result fc = flat_forecast(500, 1000);
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.lead_time_days = 28;
    s.service_level = 0.5;
    struct forecast_order o = replenish_ok(&fc, &s);
    assert_int_equal(o.safety_stock, 0);
    assert_int_equal(o.reorder_point, 2000);
    s.service_level = 0.99;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.safety_stock, 4653);
    assert_int_equal(o.reorder_point, 6653);
    /* the default is 95 %: 1.6448536…·2000 = 3289.7… → 3290 */
    forecast_stock_default(&s);
    s.lead_time_days = 28;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.safety_stock, 3290);
}

static void fractional_lead_time_over_a_changing_forecast(void **state)
{
    (void)state;
    /* forecast 1000, 2000, 4000, 4000…; lead 10 days = 1 3/7 weeks:
     *   1000 + 3/7·2000 = 1857.14… → 1858
     * review 7 days: up to 2 3/7 weeks = 1000 + 2000 + 3/7·4000 = 4714.28…,
     *   so 2857.14… over the review → 2858; no spread: no safety stock */
    struct forecast_result fc = flat_forecast(4000, 0);
    fc.forecast[0] = 1000;
    fc.forecast[1] = 2000;
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.lead_time_days = 10;
    struct forecast_order o = replenish_ok(&fc, &s);
    assert_near(o.demand_lead, 1000 + 3.0 / 7 * 2000, 1e-9);
    assert_near(o.demand_review, 2000 + 3.0 / 7 * 4000 - 3.0 / 7 * 2000, 1e-9);
    assert_int_equal(o.safety_stock, 0);
    assert_int_equal(o.reorder_point, 1858);
    assert_int_equal(o.order_up_to, 1858 + 2858);
    /* a zero lead time: the review period alone */
    s.lead_time_days = 0;
    o = replenish_ok(&fc, &s);
    assert_int_equal(o.reorder_point, 0);
    assert_int_equal(o.order_up_to, 1000);
}

static void min_max_rule_overrides_the_forecast(void **state)
{
    (void)state;
    struct forecast_result fc = flat_forecast(1000, 500);
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.lead_time_days = 10;
    s.minmax = true;
    s.min_qty = 2000;
    s.max_qty = 5000;
    s.pack = 1000;
    /* position 2100: the forecast would reorder (≤ 2412), the rule not (> 2000) */
    s.on_hand = 2100;
    struct forecast_order o = replenish_ok(&fc, &s);
    assert_int_equal(o.rule, FR_MINMAX);
    assert_int_equal(o.forecast_reorder_point, 2412); /* still shown */
    assert_int_equal(o.reorder_point, 2000);
    assert_false(o.reorder);
    /* position 1700: up to max, 3300, then whole packs: 4000 */
    s.on_hand = 1700;
    o = replenish_ok(&fc, &s);
    assert_true(o.reorder);
    assert_int_equal(o.need, 3300);
    assert_int_equal(o.quantity, 4000);
    /* no forecast at all (a new part): the rule alone */
    o = replenish_ok(NULL, &s);
    assert_int_equal(o.quantity, 4000);
    assert_int_equal(o.safety_stock, 0);
}

static void reservations_beyond_stock_are_ordered(void **state)
{
    (void)state;
    /* no demand forecast, but 3000 reserved of 1000 on hand: position
     * −2000, order 2000 to cover the reservations */
    struct forecast_result fc = flat_forecast(0, 0);
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.on_hand = 1000;
    s.reserved = 3000;
    struct forecast_order o = replenish_ok(&fc, &s);
    assert_int_equal(o.position, -2000);
    assert_int_equal(o.quantity, 2000);
}

static void bad_stock_is_refused(void **state)
{
    (void)state;
    struct forecast_result fc = flat_forecast(1000, 500);
    struct forecast_order o;
    struct err e;
    struct forecast_stock s;
#define REFUSE(stmt, want_field)                                                                   \
    do {                                                                                           \
        forecast_stock_default(&s);                                                                \
        s.lead_time_days = 7;                                                                      \
        stmt;                                                                                      \
        err_clear(&e);                                                                             \
        assert_int_equal(forecast_replenish(&fc, &s, &o, &e), ERR_INVALID);                        \
        assert_string_equal(field(&e), want_field);                                                \
    } while (0)
    REFUSE(s.on_hand = -1, "on_hand");
    REFUSE(s.on_order = FORECAST_STOCK_MAX + 1, "on_order");
    REFUSE(s.reserved = INT64_MIN, "reserved");
    REFUSE(s.moq = -5, "moq");
    REFUSE(s.pack = INT64_MAX, "pack");
    REFUSE(s.lead_time_days = -1, "lead_time_days");
    REFUSE(s.lead_time_days = FORECAST_LEAD_DAYS_MAX + 1, "lead_time_days");
    REFUSE(s.review_days = 92, "review_days");
    REFUSE(s.service_level = 1, "service_level");
    REFUSE(s.service_level = 0.4, "service_level");
    REFUSE(s.service_level = NAN, "service_level");
    REFUSE((s.minmax = true, s.min_qty = 5000, s.max_qty = 4000), "max_qty");
    REFUSE((s.minmax = true, s.min_qty = -1, s.max_qty = 4000), "min_qty");
    /* lead time + review beyond the 26 weeks forecast */
    REFUSE(s.lead_time_days = 180, "lead_time_days");
    assert_non_null(strstr(e.message, "beyond the forecast"));
#undef REFUSE
    /* neither a forecast nor a rule */
    forecast_stock_default(&s);
    err_clear(&e);
    assert_int_equal(forecast_replenish(NULL, &s, &o, &e), ERR_INVALID);
    assert_string_equal(field(&e), "forecast");
}

static void the_largest_figures_do_not_overflow(void **state)
{
    (void)state;
    /* every figure at its cap: position 2·10^15, MOQ and pack 10^15 */
    struct forecast_result fc = flat_forecast((double)FORECAST_QTY_MAX, (double)FORECAST_QTY_MAX);
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.on_hand = 0;
    s.on_order = 0;
    s.reserved = FORECAST_STOCK_MAX;
    s.lead_time_days = FORECAST_LEAD_DAYS_MAX;
    s.review_days = 7;
    s.service_level = 0.9999;
    s.moq = FORECAST_STOCK_MAX;
    s.pack = FORECAST_STOCK_MAX;
    fc.horizon = FORECAST_HORIZON_MAX;
    for (int j = 0; j < FORECAST_HORIZON_MAX; j++)
        fc.forecast[j] = (double)FORECAST_QTY_MAX;
    struct forecast_order o = replenish_ok(&fc, &s);
    assert_true(o.reorder);
    assert_true(o.need > 0 && o.quantity >= o.need);
    assert_int_equal(o.quantity % FORECAST_STOCK_MAX, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(naive_repeats_the_last_week),
        cmocka_unit_test(seasonal_naive_repeats_the_last_season),
        cmocka_unit_test(seasonal_naive_without_a_full_season_is_naive),
        cmocka_unit_test(moving_average_of_the_window),
        cmocka_unit_test(croston_and_sba_by_hand),
        cmocka_unit_test(croston_before_any_demand_forecasts_zero),
        cmocka_unit_test(croston_fits_alpha_on_its_grid),
        cmocka_unit_test(holt_winters_by_hand),
        cmocka_unit_test(holt_winters_damped_over_a_longer_horizon),
        cmocka_unit_test(holt_winters_fits_its_grid),
        cmocka_unit_test(holt_winters_without_a_season_is_damped_holt),
        cmocka_unit_test(holt_winters_continues_an_exact_season),
        cmocka_unit_test(forecasts_never_go_negative),
        cmocka_unit_test(backtest_figures_by_hand),
        cmocka_unit_test(the_spread_comes_from_one_step_backtest_errors),
        cmocka_unit_test(seasonal_demand_chooses_a_seasonal_model),
        cmocka_unit_test(intermittent_demand_chooses_croston_or_sba),
        cmocka_unit_test(regular_sparse_demand_chooses_croston),
        cmocka_unit_test(flat_zero_history),
        cmocka_unit_test(one_week_of_history),
        cmocka_unit_test(short_history_skips_seasonal_models),
        cmocka_unit_test(bad_history_is_refused),
        cmocka_unit_test(bad_config_is_refused),
        cmocka_unit_test(normal_quantiles),
        cmocka_unit_test(safety_stock_and_order_by_hand),
        cmocka_unit_test(service_level_moves_the_safety_stock),
        cmocka_unit_test(fractional_lead_time_over_a_changing_forecast),
        cmocka_unit_test(min_max_rule_overrides_the_forecast),
        cmocka_unit_test(reservations_beyond_stock_are_ordered),
        cmocka_unit_test(bad_stock_is_refused),
        cmocka_unit_test(the_largest_figures_do_not_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
