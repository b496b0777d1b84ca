/* forecast.h — demand forecasting and replenishment arithmetic (domain layer).
 *
 * Pure functions over numbers, no I/O, no allocation and no global state
 * (safe from any thread; a call uses about 50 KB of stack). The input is a
 * part's weekly consumption at one warehouse, oldest week first, in
 * thousandths of the unit (the API's quantities). Several models forecast
 * it; a rolling-origin backtest over the last weeks scores each one and
 * picks the most accurate; the chosen forecast, its measured accuracy and
 * its error spread then give a safety stock, a reorder point and an order
 * quantity rounded to the supplier's minimum order and pack size.
 * docs/architecture.md ("Forecasting and replenishment") has the formulas
 * and the references.
 *
 * Quantities stay integers (int64 thousandths) at the edges; inside, sums
 * and forecasts are doubles in thousandths (exact up to 2^53, far above the
 * caps below). */
#ifndef SERVITOR_FORECAST_H
#define SERVITOR_FORECAST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define FORECAST_SEASON       52  /* weeks in a season: a year */
#define FORECAST_SEASON_MAX   52  /* the longest season a config may ask for */
#define FORECAST_WEEKS_MAX    520 /* ten years of weekly history */
#define FORECAST_HORIZON_MAX  104 /* weeks a forecast may reach */
#define FORECAST_BACKTEST_MAX 52  /* rolling origins */
#define FORECAST_STEPS_MAX    13  /* weeks ahead scored from each origin */
/* a week's consumption: up to 10^9 units (10^12 thousandths) */
#define FORECAST_QTY_MAX 1000000000000LL
/* a stock figure (on hand, on order, reserved, MOQ, pack, min, max) */
#define FORECAST_STOCK_MAX       1000000000000000LL
#define FORECAST_LEAD_DAYS_MAX   365
#define FORECAST_REVIEW_DAYS_MAX 91
/* average inter-demand interval from which a series counts as intermittent
 * (Syntetos, Boylan & Croston 2005) */
#define FORECAST_ADI_INTERMITTENT 1.32
/* fewer one-step backtest errors than this: the error spread comes from history */
#define FORECAST_SIGMA_MIN_POINTS 4

/* The models, simplest first: on equal backtest error the earlier one wins. */
#define FORECAST_MODEL_LIST(X)                                                                     \
    X(NAIVE, "naive")                                                                              \
    X(SEASONAL_NAIVE, "seasonal_naive")                                                            \
    X(MOVING_AVERAGE, "moving_average")                                                            \
    X(CROSTON, "croston")                                                                          \
    X(SBA, "sba")                                                                                  \
    X(HOLT_WINTERS, "holt_winters")

enum forecast_model {
#define X(name, str) FM_##name,
    FORECAST_MODEL_LIST(X)
#undef X
        FM__COUNT
};

/* "naive", "seasonal_naive", …; NULL when out of range. */
const char *forecast_model_name(enum forecast_model m);

/* A model's parameters (unused ones are 0).
 *   season: seasonal naive — the lag used (the config's season, or 1 when
 *           the history is shorter than a season: the naive fallback);
 *           Holt-Winters — the season, or 0 for damped Holt without a
 *           seasonal component (history shorter than a season and a bit)
 *   window: moving average — weeks averaged
 *   alpha:  Croston/SBA — smoothing of sizes and intervals; Holt-Winters — level
 *   beta, gamma, phi: Holt-Winters — trend, season, trend damping */
struct forecast_params {
    int season;
    int window;
    double alpha, beta, gamma, phi;
};

struct forecast_config {
    int season;         /* weeks, 2..FORECAST_SEASON_MAX; 52 */
    int horizon;        /* weeks to forecast, 1..FORECAST_HORIZON_MAX; 26 */
    int backtest_weeks; /* rolling origins: the last k weeks, 1..FORECAST_BACKTEST_MAX; 13 */
    int backtest_steps; /* weeks ahead scored from each origin, 1..FORECAST_STEPS_MAX; 4 */
    int ma_window;      /* moving average window, 1..FORECAST_WEEKS_MAX; 13 */
    unsigned models;    /* candidates: bits 1u << enum forecast_model; 0 = all */
    /* forecast_model_run only: use `params` as given instead of fitting them */
    bool fixed;
    struct forecast_params params;
};

/* The defaults above. */
void forecast_config_default(struct forecast_config *cfg);

/* One model's backtest. Errors are forecast − actual over every (origin,
 * step) pair whose actual lies in the history; every eligible model is
 * scored on the same pairs. */
struct forecast_score {
    bool eligible;                 /* false: too little history for this model */
    struct forecast_params params; /* fitted on the weeks before the first origin */
    int points;                    /* errors scored */
    double mae, rmse;              /* thousandths */
    double mase, rmsse;            /* scaled (valid when the result's scale_ok) */
    double mape;                   /* percent, over the non-zero actuals only */
    int mape_points;               /* non-zero actuals: 0 — MAPE undefined */
    double bias;                   /* mean error: > 0 over-forecasts */
};

/* Everything the replenishment screen shows about one forecast. */
struct forecast_result {
    enum forecast_model model;     /* the one chosen */
    const char *name;              /* its name (static) */
    struct forecast_params params; /* refitted on the whole history */
    int weeks;                     /* history length */
    int horizon;
    double forecast[FORECAST_HORIZON_MAX]; /* weeks 1..horizon after the history, ≥ 0 */

    /* the backtest: origins first_origin..weeks-1 (weeks of history known) */
    int first_origin, origins;
    double backtest[FORECAST_BACKTEST_MAX]; /* chosen model: one-step forecast of
                                               week first_origin + i (for the chart) */
    bool intermittent;                      /* ADI ≥ FORECAST_ADI_INTERMITTENT */
    double adi;                             /* weeks / weeks with demand (0: none) */
    const char *criterion; /* "mase", "rmsse" (intermittent), "none" (no backtest) */
    bool scale_ok;         /* the in-sample scale is > 0: MASE/RMSSE defined */
    int scale_lag;         /* 52 (seasonal naive) or 1 (naive) */
    double scale_mae, scale_mse;
    struct forecast_score scores[FM__COUNT];

    /* the one-step error spread for safety stock (thousandths) */
    double sigma;
    const char *sigma_source; /* "backtest", "history" (naive changes), "one_week" */
};

/* Chooses a model for `weeks` weeks of history (oldest first): fits each
 * candidate on the weeks before the backtest, scores it on the last
 * cfg->backtest_weeks origins, picks the lowest MASE (RMSSE when the series
 * is intermittent), refits it on the whole history and forecasts
 * cfg->horizon weeks. ERR_INVALID (field "history", "horizon", …) on empty,
 * too long, negative or too large input, or a config out of range. */
enum err_code forecast_select(const int64_t *history, int weeks, const struct forecast_config *cfg,
                              struct forecast_result *out, struct err *e);

/* Fits one model on the whole history (or takes cfg->params when cfg->fixed)
 * and writes cfg->horizon forecasts to `out` (≥ 0). `params` receives what
 * was used. Errors as forecast_select. */
enum err_code forecast_model_run(enum forecast_model model, const int64_t *history, int weeks,
                                 const struct forecast_config *cfg, struct forecast_params *params,
                                 double *out, struct err *e);

/* The standard normal quantile: z with Φ(z) = p, 0 < p < 1 (Wichura's AS241,
 * PPND16, about 16 significant digits). NaN outside (0, 1). */
double forecast_norm_quantile(double p);

/* A part's stock at a warehouse and its supply terms. */
struct forecast_stock {
    int64_t on_hand, on_order, reserved; /* thousandths, 0..FORECAST_STOCK_MAX */
    int lead_time_days;                  /* the supplier's, 0..365 */
    int review_days;                     /* how often orders are placed, 0..91; 7 */
    double service_level;                /* chance of no stock-out in a cycle, 0.5..0.9999; 0.95 */
    int64_t moq;                         /* minimum order quantity (0: none) */
    int64_t pack;                        /* orders are whole packs of this (0: none) */
    bool minmax;                         /* a min/max rule is set: it overrides the forecast */
    int64_t min_qty, max_qty;            /* reorder at or below min, up to max */
};

/* forecast_stock with the defaults: 95 %, weekly review, everything else 0. */
void forecast_stock_default(struct forecast_stock *s);

enum forecast_rule { FR_FORECAST, FR_MINMAX };

/* A suggestion and its reasoning. Figures in thousandths. */
struct forecast_order {
    enum forecast_rule rule; /* what set the reorder point and target */
    /* from the forecast (all 0 without one) */
    double lead_weeks, review_weeks; /* days / 7 */
    double z;                        /* normal quantile of the service level */
    double demand_lead;              /* forecast demand over the lead time */
    double demand_review;            /* … over the review period after it */
    double sigma_lead;               /* sigma · √lead_weeks */
    int64_t safety_stock;            /* ⌈z · sigma_lead⌉ */
    int64_t forecast_reorder_point;  /* ⌈demand_lead⌉ + safety_stock */
    int64_t forecast_order_up_to;    /* forecast_reorder_point + ⌈demand_review⌉ */
    /* the rule in force: the forecast's, or min and max */
    int64_t reorder_point, order_up_to;
    int64_t position; /* on_hand + on_order − reserved (may be negative) */
    bool reorder;     /* position ≤ reorder_point and below the target */
    int64_t need;     /* order_up_to − position when reorder, else 0 */
    int64_t quantity; /* need raised to the MOQ, then up to whole packs */
};

/* The suggestion for one part at one warehouse. `fc` is its forecast, or
 * NULL when there is none (then only a min/max rule can suggest). The
 * forecast must reach lead time + review period. ERR_INVALID naming the field
 * for a figure out of range, min above max, or neither forecast nor rule. */
enum err_code forecast_replenish(const struct forecast_result *fc, const struct forecast_stock *s,
                                 struct forecast_order *out, struct err *e);

#endif
