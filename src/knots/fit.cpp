#include "sampo/knots/fit.hpp"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <numbers>
#include <string>
#include <vector>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::knots {
namespace {
constexpr const char* kFn = "sampo::knots::fit";
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kKnotTol = 100.0 * kEps;  // NumCosmo's NCM_SPLINE_KNOT_DIFF_TOL
// high_order: a new point's prediction error above this multiple of the a-posteriori
// estimate means the estimator is blind there (the data hid the error).
constexpr double kMissFactor = 10.0;
// high_order: the order-10 estimate is trusted when the order-8 one is at least kGain times
// larger (divided differences decaying with the order: f resolved at this scale); otherwise it
// is multiplied by (kGain / gain)^kInflation. Below kRoundoff (scaled) both are rounding noise.
constexpr double kGain = 4.0;
constexpr double kInflation = 1.5;
constexpr double kRoundoff = 1e3 * kEps;
// high_order: an end piece whose |f| + atol at the domain's end is below 1/kGrade of its value
// at the piece's inner knot is "graded": its relative tolerance binds near the end, where a
// singularity just outside [a, b] (x^0.9993 on [4.8e-5, 1]) can hide from every estimate. It
// is accepted only after a passed test at a knot placed deep towards the end: where |f| + atol
// is about the geometric mean of its two end values (if f is about linear there), at a
// fraction of the piece between kDeepMin and the golden section.
constexpr double kGrade = 4.0;
constexpr double kDeepMin = 1.0 / 64.0;
// autoknots with verify: a new knot voids the off-grid checks of the intervals within kReach
// of it (the cubic spline's response to one changed value decays ~3.7x per interval).
constexpr long kReach = 3;

// ---------------------------------------------------------------------------------------
// Evaluation of f: counting, optional threads (sampo::parallel::parallel_for, one point per
// block), progress, errors that name x.
class Evaluator {
 public:
  Evaluator(const std::function<double(double)>& f, int threads, Progress* progress)
      : f_(f) {
    loop_.block_size = 1;  // each f(x) is a coarse item: points go to threads one at a time
    loop_.threads = threads;
    loop_.use_mpi = false;
    loop_.progress = progress;  // advanced by one per evaluated point
  }

  // ys[k] = f(xs[k]). Each point is evaluated alone, so ys does not depend on the thread count;
  // a failure is reported for the lowest k that failed (f threw or returned NaN/Inf), whatever
  // the schedule, and points after it may be skipped.
  void operator()(const std::vector<double>& xs, std::vector<double>& ys) {
    ys.assign(xs.size(), 0.0);
    parallel::parallel_for(
        xs.size(),
        [&](std::size_t k) {
          double y = 0.0;
          try {
            y = f_(xs[k]);
          } catch (...) {
            rethrow_with_x(std::current_exception(), xs[k]);
          }
          if (!std::isfinite(y))
            throw_invalid_argument(kFn, "f(x)", format_value(y),
                                   "f returned a non-finite value at x = " + format_value(xs[k]));
          ys[k] = y;
        },
        loop_);
    count_ += xs.size();
  }

  [[nodiscard]] std::size_t count() const noexcept { return count_; }

 private:
  [[noreturn]] static void rethrow_with_x(const std::exception_ptr& e, double x) {
    const std::string where = std::string(kFn) + ": f threw at x = " + format_value(x);
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::throw_with_nested(numerical_error(where + ": " + ex.what()));
    } catch (...) {
      std::throw_with_nested(numerical_error(where + " (not a std::exception)"));
    }
  }

  const std::function<double(double)>& f_;
  parallel::MapReduceOptions loop_;
  std::size_t count_ = 0;
};

// The problem in the working variable t, with the exact ends a and b.
struct Domain {
  Scale scale;
  double a, b, ta, tb;
  [[nodiscard]] double x_of(double t) const {
    if (t == ta) return a;
    if (t == tb) return b;
    return from_scaled(scale, t);
  }
};

std::vector<double> uniform_t(const Domain& d, std::size_t n) {
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = d.ta + (d.tb - d.ta) * static_cast<double>(i) / static_cast<double>(n - 1);
  t.front() = d.ta;
  t.back() = d.tb;
  return t;
}

// Knots t0 < t1 are too close to split when the half-spacing falls below 100 ulp of the
// larger of |t| and the domain length, or the midpoint collapses in x.
bool too_close(const Domain& d, double t0, double t1, double tm) {
  const double scale = std::max({std::abs(tm), d.tb - d.ta});
  if (!(tm - t0 > kKnotTol * scale) || !(t1 - tm > kKnotTol * scale)) return true;
  const double x0 = d.x_of(t0), x1 = d.x_of(t1), xm = d.x_of(tm);
  return !(xm > x0 && xm < x1) || !(xm - x0 > kKnotTol * std::abs(xm));
}

// |f - s| / (|f| + atol), with 0/0 = 0.
double scaled_error(double diff, double ref) {
  if (diff == 0.0) return 0.0;
  return ref > 0.0 ? diff / ref : std::numeric_limits<double>::infinity();
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

struct State {
  std::vector<double> t, y;
  std::size_t passes = 0;
  Termination termination = Termination::converged;
  std::string message;
  double discontinuity_at = std::numeric_limits<double>::quiet_NaN();
};

// Keeps, of the intervals in `split`, as many as the knot budget allows, the most urgent
// first (`before`), in increasing order again. False, with the termination set, when none fits.
template <class Before>
bool fit_budget(std::vector<std::size_t>& split, const FitOptions& opt, State& st, Before before,
                bool& truncated) {
  truncated = false;
  const std::size_t room = opt.max_knots > st.t.size() ? opt.max_knots - st.t.size() : 0;
  if (split.size() <= room) return true;
  truncated = true;
  std::stable_sort(split.begin(), split.end(), before);
  split.resize(room);
  std::sort(split.begin(), split.end());
  if (!split.empty()) return true;
  st.termination = Termination::max_evaluations;
  st.message = "max_knots = " + std::to_string(opt.max_knots) + " reached";
  return false;
}

// True, with the termination set, when opt.cancel has been raised (polled before each pass).
bool stop_requested(const FitOptions& opt, State& st) {
  if (!cancel_requested(opt.cancel)) return false;
  st.termination = Termination::user_stopped;
  st.message = "stopped by the cancellation flag after " + std::to_string(st.passes) + " passes";
  return true;
}

// The split points t_i + theta_k (t_{i+1} - t_i), in t and in x, of the intervals i = split[k]
// (theta empty: midpoints). False, with the termination set, when two knots are too close to
// split: f is probably discontinuous there.
bool split_points(const Domain& d, const std::vector<std::size_t>& split,
                  const std::vector<double>& theta, State& st, std::vector<double>& tm,
                  std::vector<double>& xm) {
  tm.resize(split.size());
  xm.resize(split.size());
  for (std::size_t k = 0; k < split.size(); ++k) {
    const std::size_t i = split[k];
    tm[k] = theta.empty() ? 0.5 * (st.t[i] + st.t[i + 1])
                          : st.t[i] + theta[k] * (st.t[i + 1] - st.t[i]);
    if (too_close(d, st.t[i], st.t[i + 1], tm[k])) {
      st.termination = Termination::discontinuity_suspected;
      st.discontinuity_at = d.x_of(tm[k]);
      st.message = "knots closer than 100 ulp at x = " + fmt("%.17g", st.discontinuity_at) +
                   ": f is probably discontinuous there";
      return false;
    }
    xm[k] = d.x_of(tm[k]);
  }
  return true;
}

bool midpoints(const Domain& d, const std::vector<std::size_t>& split, State& st,
               std::vector<double>& tm, std::vector<double>& xm) {
  return split_points(d, split, {}, st, tm, xm);
}

Eigen::VectorXd to_eigen(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

// Where interval i is split: at a golden section, never at a dyadic fraction, so that no new
// knot lies on the lattice that the initial uniform knots and their bisections would form
// (a frequency aliased on that lattice stays aliased at every bisection level: the samples of
// sin(40x) at spacing 3/20, 3/40, ... all lie on one slow sine). The shorter part goes next
// to the shorter neighbour, so the mesh stays graded; equal neighbours alternate with i.
double split_fraction(const std::vector<double>& t, std::size_t i) {
  constexpr double g = 0.38196601125010515;  // (3 - sqrt 5) / 2 = 1 - 1/phi
  const double h = t[i + 1] - t[i];
  const double hl = i > 0 ? t[i] - t[i - 1] : h;
  const double hr = i + 2 < t.size() ? t[i + 2] - t[i + 1] : h;
  if (hl < hr) return g;
  if (hl > hr) return 1.0 - g;
  return i % 2 == 0 ? g : 1.0 - g;
}

// ---------------------------------------------------------------------------------------
// AutoKnots (NumCosmo ncm_spline_new_function_spline), in the working variable t.
/// What a test at a new knot decided for the two halves of the interval it split.
struct Verdict {
  char ok;       // the interval meets the tolerance
  char checked;  // its off-grid check (FitOptions::verify) is done
  double err;    // its scaled error estimate
};

/// Inserts the new knots (tm[k], ym[k]) into the intervals pending[k] (ascending) of st. In
/// interval order, split(i, k) is called for each split interval i (it is replaced by its two
/// halves) and keep(i) for each other one, so that callers rebuild their per-interval flags
/// alongside; both see st as it was before the insertion. Both strategies use it.
template <class Split, class Keep>
void insert_knots(State& st, const std::vector<std::size_t>& pending, const std::vector<double>& tm,
                  const std::vector<double>& ym, Split&& split, Keep&& keep) {
  std::vector<double> nt, ny;
  nt.reserve(st.t.size() + pending.size());
  ny.reserve(st.t.size() + pending.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i + 1 < st.t.size(); ++i) {
    nt.push_back(st.t[i]);
    ny.push_back(st.y[i]);
    if (k < pending.size() && pending[k] == i) {
      split(i, k);
      nt.push_back(tm[k]);
      ny.push_back(ym[k]);
      ++k;
    } else {
      keep(i);
    }
  }
  nt.push_back(st.t.back());
  ny.push_back(st.y.back());
  st.t.swap(nt);
  st.y.swap(ny);
}

/// autoknots: insert_knots with both halves of a split interval getting judge(i, k), the
/// flags of the others carried. Returns the number of split intervals judged not ok.
template <class Judge>
std::size_t insert_judged(State& st, std::vector<char>& ok, std::vector<double>& err,
                          std::vector<char>& checked, const std::vector<std::size_t>& pending,
                          const std::vector<double>& tm, const std::vector<double>& ym,
                          Judge&& judge) {
  std::vector<double> nerr;
  std::vector<char> nok, nchecked;
  std::size_t failures = 0;
  insert_knots(
      st, pending, tm, ym,
      [&](std::size_t i, std::size_t k) {
        const Verdict v = judge(i, k);
        if (!v.ok) ++failures;
        nok.insert(nok.end(), {v.ok, v.ok});
        nchecked.insert(nchecked.end(), {v.checked, v.checked});
        nerr.insert(nerr.end(), {v.err, v.err});
      },
      [&](std::size_t i) {
        nok.push_back(ok[i]);
        nchecked.push_back(checked[i]);
        nerr.push_back(err[i]);
      });
  ok.swap(nok);
  err.swap(nerr);
  checked.swap(nchecked);
  return failures;
}

double run_autoknots(const Domain& d, const FitOptions& opt, Evaluator& eval, State& st) {
  st.t = uniform_t(d, opt.min_knots);
  std::vector<double> xs(st.t.size());
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = d.x_of(st.t[i]);
  eval(xs, st.y);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<char> ok(st.t.size() - 1, 0);  // interval accepted
  std::vector<double> err(st.t.size() - 1, inf);
  std::vector<char> checked(st.t.size() - 1, 0);  // passed an off-grid check (opt.verify)
  CubicSpline s(to_eigen(st.t), to_eigen(st.y));
  int refine_left = opt.refine;

  for (;;) {  // rounds: NumCosmo's passes until they converge, then (opt.verify) one check
    for (;;) {
      const std::size_t n_int = st.t.size() - 1;
      // Spacing statistics over the intervals at the start of the pass (for `refine`).
      double mean = 0.0, m2 = 0.0, max_dt = 0.0;
      for (std::size_t i = 0; i < n_int; ++i) {
        const double dt = st.t[i + 1] - st.t[i];
        const double delta = dt - mean;
        mean += delta / static_cast<double>(i + 1);
        m2 += delta * (dt - mean);
        max_dt = std::max(max_dt, dt);
      }
      const double sd = n_int > 1 ? std::sqrt(m2 / static_cast<double>(n_int - 1)) : 0.0;

      std::vector<std::size_t> pending;
      for (std::size_t i = 0; i < n_int; ++i)
        if (!ok[i]) pending.push_back(i);
      if (pending.empty()) break;  // only after a refine round that reopened nothing

      // Budget: honoured exactly; when a full pass does not fit, the widest intervals go first.
      bool truncated = false;
      if (!fit_budget(
              pending, opt, st,
              [&](std::size_t p, std::size_t q) {
                return st.t[p + 1] - st.t[p] > st.t[q + 1] - st.t[q];
              },
              truncated))
        break;
      std::vector<double> tm, xm, ym;
      if (!midpoints(d, pending, st, tm, xm) || stop_requested(opt, st)) break;
      ++st.passes;
      eval(xm, ym);  // the spline s is the previous pass's: the points are independent

      const std::size_t failures = insert_judged(
          st, ok, err, checked, pending, tm, ym, [&](std::size_t i, std::size_t k) {
            const double t0 = st.t[i], t1 = st.t[i + 1], y0 = st.y[i], y1 = st.y[i + 1];
            const double dt = t1 - t0, y = ym[k];
            const double ys = s(tm[k]);
            const double i_simpson = dt * (y0 + 4.0 * y + y1) / 6.0;
            const double i_spline = s.integral(t0, t1);
            const bool pass_p = std::abs(y - ys) <= opt.rtol * (std::abs(y) + opt.atol);
            const bool pass_i = std::abs(i_simpson - i_spline) <=
                                opt.rtol * (std::abs(i_simpson) + opt.atol * dt);
            const double e = std::max(scaled_error(std::abs(y - ys), std::abs(y) + opt.atol),
                                      scaled_error(std::abs(i_simpson - i_spline),
                                                   (std::abs(i_simpson) + opt.atol * dt)));
            const char accepted = (pass_p && pass_i) ? 1 : 0;
            return Verdict{accepted, 0, e};
          });
      s = CubicSpline(to_eigen(st.t), to_eigen(st.y));
      if (opt.verify) {
        // A new knot changes the (global) spline in the intervals around it: their off-grid
        // checks are void and are done again (kReach intervals on either side).
        std::vector<char> keep(checked);
        const long n_new = static_cast<long>(checked.size());
        for (long j = 0; j < n_new; ++j)
          if (!checked[static_cast<std::size_t>(j)])
            for (long q = std::max(0L, j - kReach); q <= std::min(n_new - 1, j + kReach); ++q)
              keep[static_cast<std::size_t>(q)] = 0;
        checked.swap(keep);
      }

      if (truncated) {
        std::size_t open = 0;
        for (char o : ok) open += o ? 0 : 1;
        st.termination = Termination::max_evaluations;
        st.message = "max_knots = " + std::to_string(opt.max_knots) + " reached with " +
                     std::to_string(open) + " intervals not accepted";
        break;
      }
      if (failures == 0) {
        if (refine_left < 1) break;
        --refine_left;
        const double lim = mean + opt.refine_sigma * sd;
        if (!(max_dt > lim)) break;
        bool reopened = false;
        for (std::size_t i = 0; i + 1 < st.t.size(); ++i)
          if (st.t[i + 1] - st.t[i] > lim) {
            ok[i] = 0;
            reopened = true;
          }
        if (!reopened) break;
      }
    }
    if (!opt.verify || st.termination != Termination::converged) break;
    // Off-grid check (opt.verify): every interval not yet checked gets one new knot at a golden
    // section (never on the dyadic lattice of the midpoints), where the converged spline must
    // predict f; both parts of an interval that fails are re-opened for more passes.
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i + 1 < st.t.size(); ++i)
      if (!checked[i]) pending.push_back(i);
    if (pending.empty()) break;
    bool truncated = false;
    if (!fit_budget(
            pending, opt, st,
            [&](std::size_t p, std::size_t q) {
              return st.t[p + 1] - st.t[p] > st.t[q + 1] - st.t[q];
            },
            truncated))
      break;
    std::vector<double> theta(pending.size()), tm, xm, ym;
    for (std::size_t k = 0; k < pending.size(); ++k) theta[k] = split_fraction(st.t, pending[k]);
    if (!split_points(d, pending, theta, st, tm, xm) || stop_requested(opt, st)) break;
    ++st.passes;
    eval(xm, ym);
    const std::size_t failures = insert_judged(
        st, ok, err, checked, pending, tm, ym, [&](std::size_t i, std::size_t k) {
          const double diff = std::abs(ym[k] - s(tm[k]));
          const char pass = diff <= opt.rtol * (std::abs(ym[k]) + opt.atol) ? 1 : 0;
          return Verdict{pass, pass, std::max(err[i], scaled_error(diff, std::abs(ym[k]) + opt.atol))};
        });
    s = CubicSpline(to_eigen(st.t), to_eigen(st.y));
    if (truncated) {
      st.termination = Termination::max_evaluations;
      st.message = "max_knots = " + std::to_string(opt.max_knots) +
                   " reached during the off-grid check";
      break;
    }
    if (failures == 0) break;
  }
  double e = 0.0;
  for (double v : err) e = std::max(e, v);
  return e;
}

// ---------------------------------------------------------------------------------------
// High-order local interpolation.
struct Stencil {
  std::size_t start = 0, size = 0;
};

Stencil stencil_for(std::size_t interval, std::size_t knots, std::size_t order) {
  Stencil s;
  s.size = std::min(order, knots);
  const long half = static_cast<long>(s.size / 2) - 1;
  long start = static_cast<long>(interval) - half;
  start = std::clamp(start, 0L, static_cast<long>(knots - s.size));
  s.start = static_cast<std::size_t>(start);
  return s;
}

// Nodes of interval i's stencil in its centred variable v = (2t - t_i - t_{i+1}) / h_i.
void local_nodes(const std::vector<double>& t, std::size_t i, std::size_t start, std::size_t m,
                 std::vector<double>& v) {
  const double c = t[i] + t[i + 1], h = t[i + 1] - t[i];
  v.resize(m);
  for (std::size_t j = 0; j < m; ++j) v[j] = (2.0 * t[start + j] - c) / h;
}

// Interpolant through (v_j, y_j) at z: first (modified Lagrange) barycentric form,
// backward stable for any nodes (Higham 2004).
double barycentric(const std::vector<double>& v, const double* y, double z) {
  double ell = 1.0, sum = 0.0;
  for (std::size_t j = 0; j < v.size(); ++j) {
    const double dz = z - v[j];
    if (dz == 0.0) return y[j];
    double w = 1.0;
    for (std::size_t k = 0; k < v.size(); ++k)
      if (k != j) w *= v[j] - v[k];
    sum += y[j] / (w * dz);
    ell *= dz;
  }
  return ell * sum;
}

// Leading divided difference of (v_j, y_j), j in the set.
double divided_difference(const std::vector<double>& v, const double* y) {
  double sum = 0.0;
  for (std::size_t j = 0; j < v.size(); ++j) {
    double w = 1.0;
    for (std::size_t k = 0; k < v.size(); ++k)
      if (k != j) w *= v[j] - v[k];
    sum += y[j] / w;
  }
  return sum;
}

struct Estimate {
  double ratio;     // max over probes of e / tolerance
  double scaled;    // max over probes of e / (|p| + atol)
  double theta;     // where the interval is split: t_i + theta h_i
  double at_split;  // e at the split point (absolute)
};

// |f[S, e]| for interval i's stencil S extended by its left and by its right neighbour knot e
// (the larger), in the interval's centred variable v; infinite when S has no neighbour.
double extension_dd(const std::vector<double>& t, const std::vector<double>& y, std::size_t i,
                    std::size_t order) {
  const std::size_t n = t.size();
  const Stencil s = stencil_for(i, n, order);
  if (s.size == n) return std::numeric_limits<double>::infinity();  // no extension: unknown
  std::vector<double> ve;
  double dd = 0.0;
  for (int side : {-1, +1}) {
    const long e = side < 0 ? static_cast<long>(s.start) - 1
                            : static_cast<long>(s.start + s.size);
    if (e < 0 || e >= static_cast<long>(n)) continue;
    const std::size_t lo = std::min(s.start, static_cast<std::size_t>(e));
    local_nodes(t, i, lo, s.size + 1, ve);
    dd = std::max(dd, std::abs(divided_difference(ve, y.data() + lo)));
  }
  return dd;
}

// Interval i's error curve e(z) = |f[S, e]| |w_S(z)| = |p_S(z) - p_{S+e}(z)| for its stencil
// S of `size` knots, with |f[S, e]| the largest of the extensions of this interval's stencil
// and of its neighbours' (dds[j], rescaled from interval j's variable to this one's by
// (h_i / h_j)^size): adjacent stencils are different node sets that must agree.
struct ErrorCurve {
  std::vector<double> v;  // stencil nodes in the centred variable
  double dd = 0.0;
  [[nodiscard]] double operator()(double z) const {
    double w = 1.0;
    for (double vj : v) w *= z - vj;
    return dd * std::abs(w);
  }
};

ErrorCurve error_curve(const std::vector<double>& t, const std::vector<double>& dds,
                       std::size_t i, std::size_t size) {
  const std::size_t n = t.size();
  const Stencil s = stencil_for(i, n, size);
  ErrorCurve c;
  local_nodes(t, i, s.start, s.size, c.v);
  const double h = t[i + 1] - t[i];
  c.dd = dds[i];
  for (std::size_t j = i > 0 ? i - 1 : 0; j <= i + 1 && j + 1 < n; ++j)
    if (j != i)
      c.dd = std::max(c.dd,
                      dds[j] * std::pow(h / (t[j + 1] - t[j]), static_cast<double>(s.size)));
  return c;
}

// Error estimate of interval i's interpolant (stencil of `order` knots), probed at
// z = -1/2, 0, 1/2 (and at the split point, for the miss test). It is trusted only in the
// asymptotic regime: the same estimate for the stencil of order - 2 knots must be at least
// kGain times larger (f's divided differences decay with the order, as a resolved f's
// Chebyshev coefficients do). Otherwise f is not resolved at this scale (a kink, a step, an
// under-sampled oscillation) and the estimate is inflated by (kGain / gain)^1.5.
Estimate estimate_interval(const std::vector<double>& t, const std::vector<double>& y,
                           const std::vector<double>& dd_hi, const std::vector<double>& dd_lo,
                           std::size_t i, std::size_t order, const FitOptions& opt, bool deep) {
  const Stencil s = stencil_for(i, t.size(), order);
  const ErrorCurve hi = error_curve(t, dd_hi, i, order), lo = error_curve(t, dd_lo, i, order - 2);
  Estimate est{0.0, 0.0, split_fraction(t, i), 0.0};
  if (deep) {  // a graded end piece (kGrade): the test knot goes deep towards the domain's end
    const bool left = i == 0;
    const double r_end = std::abs(y[left ? i : i + 1]) + opt.atol;
    const double r_in = std::abs(y[left ? i + 1 : i]) + opt.atol;
    const double frac = std::clamp(std::sqrt(r_end / r_in), kDeepMin, 0.38196601125010515);
    est.theta = left ? frac : 1.0 - frac;
  }
  double e_hi = 0.0, e_lo = 0.0;
  // The criterion is pointwise, |f - s| <= rtol (|f| + atol), so each probe's error is scaled
  // by |f| + atol at that probe. Probes near the ends (z = +-0.9) catch the peak of the
  // relative error where |f| spans decades within one piece (x^alpha near 0 with atol = 0).
  // The knots' own |f| is not a reference: the error vanishes there (s interpolates f), so a
  // root at a knot (sin x on [0, 3] with atol = 0) must not make the tolerance zero.
  constexpr double kProbes[] = {-0.9, -0.5, 0.0, 0.5, 0.9};
  for (double z : kProbes) {
    const double ref = std::abs(barycentric(hi.v, y.data() + s.start, z)) + opt.atol;
    e_hi = std::max(e_hi, scaled_error(hi(z), ref));
    e_lo = std::max(e_lo, scaled_error(lo(z), ref));
  }
  double inflate = 1.0;
  if (e_hi > kRoundoff && e_lo < kGain * e_hi)
    inflate = std::pow(kGain * e_hi / std::max(e_lo, kRoundoff), kInflation);
  est.scaled = e_hi * inflate;
  est.ratio = est.scaled / opt.rtol;
  est.at_split = hi(2.0 * est.theta - 1.0) * inflate;
  return est;
}

// Prediction of interval i's current interpolant at t_i + theta h_i (before the new knot).
double predict_at(const std::vector<double>& t, const std::vector<double>& y, std::size_t i,
                  std::size_t order, double theta) {
  const Stencil s = stencil_for(i, t.size(), order);
  std::vector<double> v;
  local_nodes(t, i, s.start, s.size, v);
  return barycentric(v, y.data() + s.start, 2.0 * theta - 1.0);
}

double run_high_order(const Domain& d, const FitOptions& opt, Evaluator& eval, State& st) {
  const auto order = static_cast<std::size_t>(opt.order);
  st.t = uniform_t(d, std::max(opt.min_knots, order + 1));
  std::vector<double> xs(st.t.size());
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = d.x_of(st.t[i]);
  eval(xs, st.y);
  std::vector<Estimate> est;
  std::vector<double> dd_hi, dd_lo;
  // Whether the interval's birth test passed: the interpolant before its knot predicted f at
  // the knot within tolerance. Near the ends the stencil is one-sided and the estimate an
  // extrapolation of f[S, e] from the far side of the stencil; there a piece is accepted only
  // after such a passed test, and a graded end piece (kGrade) only once a deep test at that
  // end has passed (deep_done[0]: a, [1]: b; once is enough: later pieces there are finer).
  std::vector<char> tested(st.t.size() - 1, 0);
  bool deep_done[2] = {false, false};
  auto graded = [&](std::size_t i) {
    const std::size_t last = st.t.size() - 2;
    if (i != 0 && i != last) return false;
    const std::size_t end = i == 0 ? 0 : last + 1, inner = i == 0 ? 1 : last;
    return std::abs(st.y[inner]) + opt.atol > kGrade * (std::abs(st.y[end]) + opt.atol);
  };
  // A deep test is taken of a graded end piece that passed its ordinary birth test: after a
  // failed one the piece is refined at its golden section first (refining only towards the
  // end cannot cure an error that the coarser pieces beside it cause).
  auto needs_deep = [&](std::size_t i) {
    return tested[i] && graded(i) && !deep_done[i == 0 ? 0 : 1];
  };
  auto estimate_all = [&] {
    const std::size_t n_int = st.t.size() - 1;
    est.resize(n_int);
    dd_hi.resize(n_int);
    dd_lo.resize(n_int);
    for (std::size_t i = 0; i < n_int; ++i) {
      dd_hi[i] = extension_dd(st.t, st.y, i, order);
      dd_lo[i] = extension_dd(st.t, st.y, i, order - 2);
    }
    for (std::size_t i = 0; i < n_int; ++i)
      est[i] = estimate_interval(st.t, st.y, dd_hi, dd_lo, i, order, opt, needs_deep(i));
  };
  // Intervals split whatever their estimate: all of them in the first pass (every region
  // gets one sample-based test of the interpolant at a point off the initial grid, which
  // catches data whose symmetry or aliasing hides the error from the estimator, e.g. a step
  // centred on a knot, sin(40x) sampled every 3/20), then both parts of every interval whose
  // new knot the previous interpolant failed to predict within tolerance while the estimate
  // promised much better.
  std::vector<char> force(st.t.size() - 1, 1);
  auto one_sided = [&](std::size_t i) {
    const Stencil s = stencil_for(i, st.t.size(), order);
    return s.start == 0 || s.start + s.size == st.t.size();
  };
  auto urgent = [&](std::size_t i) {
    return force[i] || (one_sided(i) && !tested[i]) || needs_deep(i);
  };
  for (;;) {
    estimate_all();
    std::vector<std::size_t> failing;
    for (std::size_t i = 0; i < est.size(); ++i)
      if (est[i].ratio > 1.0 || urgent(i)) failing.push_back(i);
    if (failing.empty()) break;
    bool truncated = false;  // forced intervals first, then the worst estimates
    if (!fit_budget(
            failing, opt, st,
            [&](std::size_t p, std::size_t q) {
              if (urgent(p) != urgent(q)) return urgent(p);
              return est[p].ratio > est[q].ratio;
            },
            truncated))
      break;
    std::vector<double> theta(failing.size()), tm, xm, ym;
    for (std::size_t k = 0; k < failing.size(); ++k) theta[k] = est[failing[k]].theta;
    if (!split_points(d, failing, theta, st, tm, xm) || stop_requested(opt, st)) break;
    std::vector<double> pm(failing.size()), em(failing.size());
    std::vector<char> deep(failing.size());
    for (std::size_t k = 0; k < failing.size(); ++k) {
      pm[k] = predict_at(st.t, st.y, failing[k], order, theta[k]);
      em[k] = est[failing[k]].at_split;
      deep[k] = static_cast<char>(needs_deep(failing[k]));
    }
    ++st.passes;
    eval(xm, ym);
    std::vector<char> nforce, ntested;
    insert_knots(
        st, failing, tm, ym,
        [&](std::size_t i, std::size_t k) {
          // The estimator missed: the prediction fails the tolerance *and* is far worse than
          // the estimate said (an expected failure is not a miss: its halves are fine).
          const double miss = std::abs(ym[k] - pm[k]);
          // A deep test probes where |f| is small against the piece's values: a miss at the
          // level of rounding in evaluating the interpolant (kRoundoff of the piece's largest
          // |f|) is no evidence of error (a root at the end, (3 - x) e^x at rtol 1e-10).
          const double noise =
              deep[k] ? kRoundoff * (std::max(std::abs(st.y[i]), std::abs(st.y[i + 1])) + opt.atol)
                      : 0.0;
          const bool passed = miss <= std::max(opt.rtol * (std::abs(ym[k]) + opt.atol), noise);
          const bool missed = !passed && miss > kMissFactor * em[k];
          nforce.insert(nforce.end(), {static_cast<char>(missed), static_cast<char>(missed)});
          if (deep[k] && passed) deep_done[i == 0 ? 0 : 1] = true;
          ntested.insert(ntested.end(), {static_cast<char>(passed), static_cast<char>(passed)});
        },
        [&](std::size_t i) {
          nforce.push_back(0);
          ntested.push_back(tested[i]);
        });
    force.swap(nforce);
    tested.swap(ntested);
    if (truncated) {
      st.termination = Termination::max_evaluations;
      st.message = "max_knots = " + std::to_string(opt.max_knots) + " reached";
      estimate_all();
      break;
    }
  }
  double e = 0.0;
  for (const Estimate& x : est) e = std::max(e, x.scaled);
  return e;
}

// Coefficients, in the centred variable v, of the polynomial through interval i's stencil:
// values at Chebyshev points of [-1, 1] (barycentric), then the Vandermonde solve there
// (backward stable; condition ~ 10^2 at degree 15).
PiecewisePolynomial high_order_pieces(const std::vector<double>& t, const std::vector<double>& y,
                                      std::size_t order) {
  const std::size_t n_int = t.size() - 1;
  const std::size_t m = std::min(order, t.size());
  const auto deg1 = static_cast<Eigen::Index>(m);
  Eigen::VectorXd cheb(deg1);
  Eigen::MatrixXd vander(deg1, deg1);
  for (Eigen::Index k = 0; k < deg1; ++k) {
    cheb(k) = std::cos(std::numbers::pi * (static_cast<double>(k) + 0.5) / static_cast<double>(deg1));
    for (Eigen::Index l = 0; l < deg1; ++l) vander(k, l) = std::pow(cheb(k), static_cast<double>(l));
  }
  const Eigen::PartialPivLU<Eigen::MatrixXd> lu(vander);
  Eigen::MatrixXd coef(static_cast<Eigen::Index>(n_int), deg1);
  std::vector<double> v;
  Eigen::VectorXd values(deg1);
  for (std::size_t i = 0; i < n_int; ++i) {
    const Stencil s = stencil_for(i, t.size(), order);
    local_nodes(t, i, s.start, s.size, v);
    for (Eigen::Index k = 0; k < deg1; ++k) values(k) = barycentric(v, y.data() + s.start, cheb(k));
    coef.row(static_cast<Eigen::Index>(i)) = lu.solve(values).transpose();
  }
  return PiecewisePolynomial(to_eigen(t), std::move(coef));
}

}  // namespace

std::string_view to_string(Strategy strategy) noexcept {
  switch (strategy) {
    case Strategy::autoknots: return "autoknots";
    case Strategy::high_order: return "high_order";
  }
  return "unknown";
}

Strategy strategy_from_string(std::string_view name) {
  for (Strategy s : {Strategy::autoknots, Strategy::high_order})
    if (to_string(s) == name) return s;
  throw_invalid_argument("sampo::knots::strategy_from_string", "strategy", name,
                         "is not a strategy (autoknots, high_order)");
}

void FitOptions::validate() const {
  constexpr const char* fn = "sampo::knots::FitOptions";
  check_positive(fn, "rtol", rtol);
  check_nonnegative(fn, "atol", atol);
  if (min_knots < 3)
    throw_invalid_argument(fn, "min_knots", std::to_string(min_knots), "must be >= 3");
  if (max_knots < min_knots)
    throw_invalid_argument(fn, "max_knots", std::to_string(max_knots),
                           "must be >= min_knots = " + std::to_string(min_knots));
  if (refine < 0) throw_invalid_argument(fn, "refine", std::to_string(refine), "must be >= 0");
  check_nonnegative(fn, "refine_sigma", refine_sigma);
  if (threads < 0) throw_invalid_argument(fn, "threads", std::to_string(threads), "must be >= 0");
  if (order < 4 || order > 16 || order % 2 != 0)
    throw_invalid_argument(fn, "order", std::to_string(order), "must be even, in [4, 16]");
  if (strategy == Strategy::high_order && max_knots < static_cast<std::size_t>(order) + 1)
    throw_invalid_argument(fn, "max_knots", std::to_string(max_knots),
                           "must be >= order + 1 = " + std::to_string(order + 1) +
                               " for the high_order strategy");
}

std::string FitResult::brief_report() const {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%zu knots, error estimate %.3g, ", run.evaluations,
                error_estimate);
  return std::string(buf) + run.brief_report();
}

FitResult fit(const std::function<double(double)>& f, double a, double b, const FitOptions& opt) {
  const Stopwatch clock;
  opt.validate();
  if (!f) throw_invalid_argument(kFn, "f", "", "is empty");
  check_finite(kFn, "a", a);
  check_finite(kFn, "b", b);
  if (!(a < b))
    throw_invalid_argument(kFn, "b", format_value(b), "must be > a = " + format_value(a));
  if (opt.scale == Scale::log && !(a > 0))
    throw_invalid_argument(kFn, "a", format_value(a), "must be > 0 for the log scale");
  const Domain d{opt.scale, a, b, to_scaled(opt.scale, a), to_scaled(opt.scale, b)};
  if (!(d.ta < d.tb) || !std::isfinite(d.ta) || !std::isfinite(d.tb))
    throw_invalid_argument(kFn, "b", format_value(b),
                           "[a, b] collapses in the " + std::string(to_string(opt.scale)) +
                               " scale");
  // The interval itself must be representable, and wide enough for the first grid's knots to be
  // distinct doubles: otherwise the error would surface later, blaming f or the spline.
  if (!std::isfinite(d.tb - d.ta))
    throw_invalid_argument(kFn, "b", format_value(b),
                           "b - a overflows a double (a = " + format_value(a) +
                               "); rescale x so that the interval's width is finite");
  const std::size_t first_grid = opt.strategy == Strategy::autoknots
                                     ? opt.min_knots
                                     : std::max(opt.min_knots, static_cast<std::size_t>(opt.order) + 1);
  const std::vector<double> grid = uniform_t(d, first_grid);
  for (std::size_t i = 1; i < grid.size(); ++i)
    if (!(grid[i - 1] < grid[i]) || !(d.x_of(grid[i - 1]) < d.x_of(grid[i])))
      throw_invalid_argument(kFn, "b", format_value(b),
                             "[a, b] = [" + format_value(a) + ", " + format_value(b) +
                                 "] is too narrow for " + std::to_string(first_grid) +
                                 " distinct knots in double precision; widen it or shift and "
                                 "rescale x");

  Evaluator eval(f, opt.threads, opt.progress);
  State st;
  FitResult r;
  if (opt.strategy == Strategy::autoknots) {
    r.error_estimate = run_autoknots(d, opt, eval, st);
    r.interpolant = Interpolant(opt.scale, CubicSpline(to_eigen(st.t), to_eigen(st.y)).piecewise());
  } else {
    r.error_estimate = run_high_order(d, opt, eval, st);
    r.interpolant =
        Interpolant(opt.scale, high_order_pieces(st.t, st.y, static_cast<std::size_t>(opt.order)));
  }
  r.t = to_eigen(st.t);
  r.y = to_eigen(st.y);
  r.x.resize(r.t.size());
  for (Eigen::Index i = 0; i < r.t.size(); ++i) r.x(i) = d.x_of(r.t(i));
  r.discontinuity_at = st.discontinuity_at;
  r.run.termination = st.termination;
  if (st.termination == Termination::converged)
    st.message = std::string(to_string(opt.strategy)) + ": every interval meets rtol = " +
                 fmt("%.3g", opt.rtol);
  r.run.message = st.message;
  r.run.iterations = st.passes;
  r.run.evaluations = eval.count();
  r.run.seconds = clock.seconds();
  return r;
}

}  // namespace sampo::knots
