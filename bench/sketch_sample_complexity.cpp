// The empirical sample-complexity study of ℓp sensitivity sampling (issue 13; docs/sketch.md).
//
// Woodruff & Yasuda (ICML 2023) bound the rows that sensitivity sampling needs for an ε
// subspace embedding by ε⁻² 𝔖^{2/p} polylog (p < 2) and ε⁻² 𝔖^{2−2/p} polylog (p > 2),
// 𝔖 = Σ σ_i the total ℓp sensitivity. For each p in {1, 1.5, 3} and matrices whose 𝔖 differs
// (families × column counts d), this program finds the smallest expected row count m* on a
// geometric grid (ratio 2^{1/4}) at which the median distortion over the seeds is <= ε, fits
// log m* = a + b log 𝔖 (and, for contrast, against log d), and prints b beside the theory's
// exponent. At m* it also draws Lewis-weight, root-leverage and uniform samples of the same
// expected size and reports their median distortion; for p > 2 also the combined leverage +
// sensitivity scores (sketch::leverage_sensitivity_scores, column lev+sens).
//
// The distortion for p ≠ 2 is sketch::distortion's **lower bound** (multi-start ascent and
// descent), so m* is a lower estimate of the rows truly needed.
//
// Families (rows a_i, fixture kit seeds, the same numbers on every platform):
//   coordinate: a_i = c_i e_{i mod d}, c_i = |g_i| + 0.1: every σ is a share of its column,
//               𝔖 = d exactly for every p;
//   gaussian:   N(0, I_d) rows: for n ≫ d, 𝔖 ≈ d^{p/2}·E‖g‖^p-like, small for p < 2
//               (about 1.25 √d for p = 1), large for p > 2 (toward d^{p/2});
//   heavy:      Gaussian rows divided by |h_i| + 0.05 (t₁-like row scaling): a few dominant rows.
//
// d = 1 is allowed: every family is then a single column a, 𝔖 = 1 exactly, and
// f = ‖SAx‖_p^p/‖Ax‖_p^p = Σ_kept w_i^p|a_i|^p / Σ|a_i|^p does not depend on x, so the program
// computes the distortion |f − 1| exactly instead of calling sketch::distortion.
//
// Run:  build/bin/sketch_sample_complexity [--n 600] [--eps 0.5] [--seeds 5] [--dims 2,4,8]
//       [--ps 1,1.5,3] [--threads 0] [--embedding K] [--families coordinate,gaussian,heavy]
//       [--coordinate-closed-form D] [--combined-m-star 1] [--leverage-shares 0.5]
// --coordinate-closed-form D > 0: the coordinate family's sensitivities by their closed form
// σ_i = |a_ij|^p / Σ_{k: a_kj ≠ 0} |a_kj|^p (rows with one non-zero each; 𝔖 = d), for the d
// where even the approximate solves take too long. Before any study row the program checks that
// closed form against the certified exact solver (lp_sensitivities) on the coordinate matrix
// with d = D, n = 75·D, for every p of the run, and stops with exit status 1 if any row falls
// outside the solver's certified interval or differs from the solver's σ_i by more than 1e-6
// relative. Other families are unaffected. The program also prints, for the coordinate family,
// the exact distortion there (max_j |S_j/T_j − 1|, S_j and T_j the sampled and full Σ|a_ij|^p
// of column j) beside the lower bound at m*, on stderr.
// --combined-m-star 1 (p > 2 only): also search m* for the combined leverage + sensitivity
// scores on the same grid and print it beside sensitivity sampling's m*, with the ratio
// m*_sens/m*_lev+sens and the announced (𝔖/d)^{2/p}. Off by default, so the existing tables come
// out unchanged.
// --leverage-shares L1,L2,... (with --combined-m-star 1): the share λ of the combined scores
// (leverage_sensitivity_scores(σ, τ, λ)); one m* search per share. Default 0.5, whose output is
// the same as without the option. With one share the columns are m*, m*_sens/m* and the
// announced (𝔖/d)^{2/p} as above; with several, one m* column per share, then (𝔖/d)^{2/p}. The
// lev+sens distortion column (at sensitivity sampling's m*) is always λ = 1/2.
// --embedding K > 0: approximate sensitivities (SensitivityOptions::embedding_rows = K·d, a
// Lewis-weight ℓp embedding) for the larger d where exact ones take too long; stderr then
// also reports the embedding's distortion lower bound ε (σ̂ ∈ [σ/(1+ε), σ/(1−ε)] when ε is the
// true distortion), and the table's S is the approximate 𝔖̂.
// Rows are solved in parallel (sampo::parallel), so the numbers do not depend on --threads.
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sampo/linalg/leverage.hpp"
#include "sampo/parallel/map_reduce.hpp"
#include "sampo/sketch.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {
namespace sk = sampo::sketch;

struct Config {
  Eigen::Index n = 600;
  double eps = 0.5;
  std::size_t seeds = 5;
  std::vector<Eigen::Index> dims{2, 4, 8};
  std::vector<double> ps{1.0, 1.5, 3.0};
  int threads = 0;
  /// > 0: approximate sensitivities against a Lewis-weight ℓp embedding of this many expected
  /// rows per column (SensitivityOptions::embedding_rows = this·d), for d where the exact
  /// Θ(n²d²) ones do not fit; 0: exact.
  double embedding_per_column = 0.0;
  std::vector<std::string> families{"coordinate", "gaussian", "heavy"};
  /// > 0: closed-form sensitivities for the coordinate family, checked against the solver at
  /// this d first; 0: the solver for every family.
  Eigen::Index coordinate_closed_form_check_d = 0;
  /// p > 2: also search m* for the combined leverage + sensitivity scores.
  bool combined_m_star = false;
  /// The leverage shares λ of the combined m* searches (one search each).
  std::vector<double> leverage_shares{0.5};
};

/// The ℓp sensitivities of a matrix whose rows have exactly one non-zero each (the coordinate
/// family): row i with its entry in column j has σ_i = |a_ij|^p / Σ_{k: a_kj ≠ 0} |a_kj|^p,
/// since ‖Ax‖_p^p = Σ_j |x_j|^p T_j with T_j that column's Σ|a_kj|^p. Exits with status 2 on
/// a row without exactly one non-zero.
Eigen::VectorXd coordinate_sensitivities(const Eigen::MatrixXd& a, double p) {
  const Eigen::Index n = a.rows(), d = a.cols();
  std::vector<Eigen::Index> col(static_cast<std::size_t>(n), -1);
  Eigen::VectorXd t = Eigen::VectorXd::Zero(d), pw(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    int nnz = 0;
    for (Eigen::Index j = 0; j < d; ++j)
      if (a(i, j) != 0.0) ++nnz, col[static_cast<std::size_t>(i)] = j;
    if (nnz != 1) {
      std::fprintf(stderr, "coordinate_sensitivities: row %ld has %d non-zeros, not 1\n",
                   static_cast<long>(i), nnz);
      std::exit(2);
    }
    const Eigen::Index j = col[static_cast<std::size_t>(i)];
    pw(i) = std::pow(std::abs(a(i, j)), p);
    t(j) += pw(i);
  }
  Eigen::VectorXd s(n);
  for (Eigen::Index i = 0; i < n; ++i) s(i) = pw(i) / t(col[static_cast<std::size_t>(i)]);
  return s;
}

Eigen::MatrixXd make_matrix(const std::string& family, Eigen::Index n, Eigen::Index d) {
  const auto sd = static_cast<std::uint64_t>(d);
  if (family == "coordinate") {
    const Eigen::MatrixXd g = sampo::testing::normal_matrix(n, 1, 2027, sd);
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, d);
    for (Eigen::Index i = 0; i < n; ++i) a(i, i % d) = std::abs(g(i, 0)) + 0.1;
    return a;
  }
  Eigen::MatrixXd a = sampo::testing::normal_matrix(n, d, 2028, 2 * sd);
  if (family == "heavy") {
    const Eigen::MatrixXd h = sampo::testing::normal_matrix(n, 1, 2028, 2 * sd + 1);
    for (Eigen::Index i = 0; i < n; ++i) a.row(i) /= std::abs(h(i, 0)) + 0.05;
  }
  return a;
}

/// Median over seeds of the distortion lower bound of samples of @p a by @p scores with
/// @p m expected rows. Seeds run in parallel; each distortion is serial.
double median_distortion(const Eigen::MatrixXd& a, const Eigen::VectorXd& scores, double p,
                         double m, const Config& cfg) {
  std::vector<double> d(cfg.seeds);
  sampo::parallel::MapReduceOptions po;
  po.block_size = 1;
  po.threads = cfg.threads;
  sampo::parallel::parallel_for(
      cfg.seeds,
      [&](std::size_t s) {
        sk::SampleOptions o;
        o.p = p;
        o.expected_rows = m;
        o.seed = 1000 + s;
        const sk::SampleResult smp = sk::sample_rows(a, scores, o);
        sk::DistortionOptions dopt;
        dopt.random_starts = 4;
        dopt.row_starts = 12;
        dopt.iterations = 40;
        dopt.seed = s;
        // d = 1: f = Σ_kept |SA|^p / Σ|a|^p for every x, the distortion |f − 1| exactly.
        double dist = a.cols() == 1
                          ? std::abs(smp.rows.array().abs().pow(p).sum() /
                                         a.array().abs().pow(p).sum() -
                                     1.0)
                          : sk::distortion(a, smp.rows, p, dopt).distortion;
        // Fewer kept rows than columns: SA has a null vector x with Ax != 0, so f_min = 0 and
        // the distortion is at least 1 (the ascent need not find that direction).
        if (smp.rows.rows() < a.cols() ||
            Eigen::ColPivHouseholderQR<Eigen::MatrixXd>(smp.rows).rank() < a.cols())
          dist = std::max(dist, 1.0);
        d[s] = dist;
      },
      po);
  std::sort(d.begin(), d.end());
  const std::size_t k = d.size();
  return k % 2 ? d[k / 2] : 0.5 * (d[k / 2 - 1] + d[k / 2]);
}

/// Coordinate family only: the median over seeds of the exact distortion max_j |S_j/T_j − 1|
/// (S_j, T_j: Σ|a_ij|^p over column j's kept, rescaled rows and over all its rows), with the
/// same samples as median_distortion.
double median_coordinate_exact(const Eigen::MatrixXd& a, const Eigen::VectorXd& scores, double p,
                               double m, const Config& cfg) {
  const Eigen::VectorXd t = a.array().abs().pow(p).colwise().sum().transpose();
  std::vector<double> d(cfg.seeds);
  for (std::size_t s = 0; s < cfg.seeds; ++s) {
    sk::SampleOptions o;
    o.p = p;
    o.expected_rows = m;
    o.seed = 1000 + s;
    const sk::SampleResult smp = sk::sample_rows(a, scores, o);
    const Eigen::VectorXd st = smp.rows.array().abs().pow(p).colwise().sum().transpose();
    d[s] = (st.array() / t.array() - 1.0).abs().maxCoeff();
  }
  std::sort(d.begin(), d.end());
  const std::size_t k = d.size();
  return k % 2 ? d[k / 2] : 0.5 * (d[k / 2 - 1] + d[k / 2]);
}

/// The smallest grid point whose median distortion is <= eps, by bisection (common seeds make
/// the median close to monotone along the grid); -1 if even the last grid point misses.
double search_m_star(const Eigen::MatrixXd& a, const Eigen::VectorXd& s, double p,
                     const std::vector<double>& grid, const Config& cfg) {
  std::size_t lo = 0, hi = grid.size() - 1;
  if (!(median_distortion(a, s, p, grid[hi], cfg) <= cfg.eps)) return -1.0;
  if (median_distortion(a, s, p, grid[0], cfg) <= cfg.eps) hi = 0;
  while (hi > lo + 1 && hi > 0) {
    const std::size_t mid = (lo + hi) / 2;
    if (median_distortion(a, s, p, grid[mid], cfg) <= cfg.eps) hi = mid;
    else lo = mid;
  }
  return grid[hi];
}

/// Checks coordinate_sensitivities against the certified exact solver on the coordinate
/// matrix with @p d columns and 75·d rows; false (with a message) if any row is outside the
/// solver's certified interval [σ_i, upper_i] (widened by 1e-12 relative for the rounding of
/// the closed form) or differs from the solver's σ_i by more than 1e-6 relative (the solver
/// certifies a relative gap of 1e-8 on each row's norm, p·1e-8 on σ_i).
bool check_coordinate_closed_form(Eigen::Index d, double p, int threads) {
  const Eigen::MatrixXd a = make_matrix("coordinate", 75 * d, d);
  sk::SensitivityOptions so;
  so.threads = threads;
  const sk::SensitivityResult sens = sk::lp_sensitivities(a, p, so);
  const Eigen::VectorXd c = coordinate_sensitivities(a, p);
  double worst = 0.0;
  Eigen::Index outside = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    worst = std::max(worst, std::abs(c(i) - sens.sensitivities(i)) / c(i));
    if (c(i) < sens.sensitivities(i) * (1.0 - 1e-12) || c(i) > sens.upper_bounds(i) * (1.0 + 1e-12))
      ++outside;
  }
  const bool ok = outside == 0 && worst <= 1e-6;
  std::printf("# closed-form coordinate sensitivities checked against the certified solver at "
              "d = %ld, n = %ld, p = %g: max relative difference %.2g, %ld of %ld rows outside "
              "the certified interval: %s\n",
              static_cast<long>(d), static_cast<long>(a.rows()), p, worst,
              static_cast<long>(outside), static_cast<long>(a.rows()), ok ? "pass" : "FAIL");
  return ok;
}

struct Fit {
  double slope = 0.0, r2 = 0.0;
  bool defined = true;  ///< false when x does not vary (e.g. only d = 1 points: log S = 0)
};

Fit fit(const std::vector<double>& x, const std::vector<double>& y) {
  const auto k = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / k, my += y[i] / k;
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  Fit f;
  // x constant up to rounding (𝔖 = 1 ± ulps at d = 1): no slope.
  const auto [xmin, xmax] = std::minmax_element(x.begin(), x.end());
  if (x.empty() || *xmax - *xmin < 1e-9) {
    f.defined = false;
    return f;
  }
  if (sxx > 0) f.slope = sxy / sxx;
  if (sxx > 0 && syy > 0) f.r2 = sxy * sxy / (sxx * syy);
  return f;
}

std::vector<double> parse_ps(const char* s) {
  std::vector<double> out;
  for (const char* c = s; *c;) {
    char* end = nullptr;
    out.push_back(std::strtod(c, &end));
    if (end == c) break;
    c = *end == ',' ? end + 1 : end;
  }
  return out;
}

std::vector<Eigen::Index> parse_dims(const char* s) {
  std::vector<Eigen::Index> out;
  for (const char* c = s; *c;) {
    char* end = nullptr;
    out.push_back(std::strtol(c, &end, 10));
    c = *end == ',' ? end + 1 : end;
    if (end == c && *c) break;
  }
  return out;
}

std::vector<std::string> parse_names(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* c = s;; ++c) {
    if (*c == ',' || *c == '\0') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      if (*c == '\0') break;
    } else {
      cur.push_back(*c);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--n") cfg.n = std::atol(argv[i + 1]);
    else if (k == "--eps") cfg.eps = std::atof(argv[i + 1]);
    else if (k == "--seeds") cfg.seeds = static_cast<std::size_t>(std::atol(argv[i + 1]));
    else if (k == "--dims") cfg.dims = parse_dims(argv[i + 1]);
    else if (k == "--ps") cfg.ps = parse_ps(argv[i + 1]);
    else if (k == "--threads") cfg.threads = std::atoi(argv[i + 1]);
    else if (k == "--embedding") cfg.embedding_per_column = std::atof(argv[i + 1]);
    else if (k == "--families") cfg.families = parse_names(argv[i + 1]);
    else if (k == "--coordinate-closed-form") cfg.coordinate_closed_form_check_d = std::atol(argv[i + 1]);
    else if (k == "--combined-m-star") cfg.combined_m_star = std::atoi(argv[i + 1]) != 0;
    else if (k == "--leverage-shares") cfg.leverage_shares = parse_ps(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  for (const std::string& f : cfg.families)
    if (f != "coordinate" && f != "gaussian" && f != "heavy") {
      std::fprintf(stderr, "unknown family %s (coordinate, gaussian, heavy)\n", f.c_str());
      return 2;
    }
  for (Eigen::Index d : cfg.dims)
    if (d < 1 || 2 * d > cfg.n) {
      std::fprintf(stderr, "--dims: d = %ld must be >= 1 and <= n/2 = %ld\n",
                   static_cast<long>(d), static_cast<long>(cfg.n / 2));
      return 2;
    }
  if (cfg.leverage_shares.empty()) {
    std::fprintf(stderr, "--leverage-shares: no share given\n");
    return 2;
  }
  for (double l : cfg.leverage_shares)
    if (!(l >= 0.0 && l <= 1.0)) {
      std::fprintf(stderr, "--leverage-shares: %g must be in [0, 1]\n", l);
      return 2;
    }
  const bool one_share = cfg.leverage_shares.size() == 1;
  // The combined search's header columns: unchanged for the single default share.
  std::string share_header, share_rule;
  if (one_share) {
    if (cfg.leverage_shares[0] == 0.5) {
      share_header = " m* lev+sens | m*/m* lev+sens | (S/d)^(2/p) |";
    } else {
      char h[128];
      std::snprintf(h, sizeof h, " m* lev+sens (share %g) | m*/m* lev+sens | (S/d)^(2/p) |",
                    cfg.leverage_shares[0]);
      share_header = h;
    }
    share_rule = "---|---|---|";
  } else {
    for (double l : cfg.leverage_shares) {
      char h[64];
      std::snprintf(h, sizeof h, " m* share %g |", l);
      share_header.append(h);
      share_rule.append("---|");
    }
    share_header.append(" (S/d)^(2/p) |");
    share_rule.append("---|");
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("# rows needed for median distortion (lower bound) <= %.3g over %zu seeds, n = %ld\n",
              cfg.eps, cfg.seeds, static_cast<long>(cfg.n));
  std::printf("# grid of expected rows: d * 2^(k/4) up to n/2; m* = first grid point reached\n");
  if (std::find(cfg.dims.begin(), cfg.dims.end(), Eigen::Index{1}) != cfg.dims.end())
    std::printf("# d = 1: f = |SAx|_p^p/|Ax|_p^p does not depend on x; the distortion |f - 1| "
                "is exact there\n");
  const bool closed_form =
      cfg.coordinate_closed_form_check_d > 0 &&
      std::find(cfg.families.begin(), cfg.families.end(), "coordinate") != cfg.families.end();
  if (closed_form) {
    std::printf("# coordinate family: closed-form sensitivities (S = d exactly)\n");
    bool ok = true;
    for (double p : cfg.ps)
      ok = check_coordinate_closed_form(cfg.coordinate_closed_form_check_d, p, cfg.threads) && ok;
    std::fflush(stdout);
    if (!ok) return 1;
  }
  for (double p : cfg.ps) {
    const double theory = p < 2 ? 2.0 / p : 2.0 - 2.0 / p;
    const bool combined = p > 2.0;  // the leverage + sensitivity scheme is for p > 2
    const bool combined_search = combined && cfg.combined_m_star;
    std::printf("\n## p = %g (theory: rows ~ S^%.3g polylog)\n", p, theory);
    std::printf("| family | d | S | S^%.3g | m* | m*/d | sens | lewis | root-lev | uniform |%s%s\n",
                theory, combined ? " lev+sens |" : "",
                combined_search ? share_header.c_str() : "");
    std::printf("|---|---|---|---|---|---|---|---|---|---|%s%s\n", combined ? "---|" : "",
                combined_search ? share_rule.c_str() : "");
    std::vector<double> log_s, log_d, log_m;
    for (const std::string& family_name : cfg.families) {
      const char* family = family_name.c_str();
      for (Eigen::Index d : cfg.dims) {
        const Eigen::MatrixXd a = make_matrix(family, cfg.n, d);
        sk::SensitivityOptions so;
        so.threads = cfg.threads;
        if (cfg.embedding_per_column > 0.0)
          so.embedding_rows = static_cast<Eigen::Index>(
              std::ceil(cfg.embedding_per_column * static_cast<double>(d)));
        const bool use_closed_form = closed_form && family_name == "coordinate";
        const auto ts = std::chrono::steady_clock::now();
        sk::SensitivityResult sens;
        if (use_closed_form) {
          sens.sensitivities = coordinate_sensitivities(a, p);
          sens.total = sens.sensitivities.sum();
        } else {
          sens = sk::lp_sensitivities(a, p, so);
        }
        const auto te = std::chrono::steady_clock::now();
        if (so.embedding_rows > 0 && !use_closed_form) {
          // The embedding the approximate σ̂ were solved against (sensitivity.cpp: Lewis weights,
          // sample_rows with so.seed, stream 0): its distortion ε gives σ̂ ∈ [σ/(1+ε), σ/(1−ε)].
          sk::SampleOptions eo;
          eo.p = p;
          eo.expected_rows = static_cast<double>(so.embedding_rows);
          eo.seed = so.seed;
          const sk::SampleResult emb = sk::sample_rows(a, sk::lewis_weights(a, p).weights, eo);
          sk::DistortionOptions dopt;
          dopt.random_starts = 4;
          dopt.row_starts = 12;
          dopt.iterations = 40;
          std::fprintf(stderr, "%s d=%ld p=%g: embedding %zu rows, distortion >= %.3f\n", family,
                       static_cast<long>(d), p, emb.indices.size(),
                       sk::distortion(a, emb.rows, p, dopt).distortion);
        }
        const Eigen::VectorXd& s = sens.sensitivities;
        // Grid: m_k = d·2^{k/4}, k = 0..K with m_K <= n/2. Bisection for the first k whose
        // median distortion is <= eps (common seeds make it close to monotone in k).
        std::vector<double> grid;
        for (int k = 0;; ++k) {
          const double m = static_cast<double>(d) * std::pow(2.0, k / 4.0);
          if (m > 0.5 * static_cast<double>(cfg.n)) break;
          grid.push_back(m);
        }
        const double m_star = search_m_star(a, s, p, grid, cfg);
        const bool reached = m_star > 0.0;
        const double m_cmp = reached ? m_star : grid.back();
        double dist[4];
        const sk::ScoreKind kinds[] = {sk::ScoreKind::sensitivity, sk::ScoreKind::lewis,
                                       sk::ScoreKind::root_leverage, sk::ScoreKind::uniform};
        for (int k = 0; k < 4; ++k) {
          const Eigen::VectorXd sc = k == 0 ? s : sk::sampling_scores(a, p, kinds[k]);
          dist[k] = median_distortion(a, sc, p, m_cmp, cfg);
        }
        std::string extra;
        if (combined) {
          const Eigen::VectorXd tau = sampo::linalg::leverage_scores(a).scores;
          const Eigen::VectorXd ls = sk::leverage_sensitivity_scores(s, tau);
          char cell[96];
          std::snprintf(cell, sizeof cell, " %.2f |", median_distortion(a, ls, p, m_cmp, cfg));
          extra.append(cell);
          if (combined_search) {
            const double announced = std::pow(sens.total / static_cast<double>(d), 2.0 / p);
            for (double share : cfg.leverage_shares) {
              const double mc = search_m_star(
                  a, share == 0.5 ? ls : sk::leverage_sensitivity_scores(s, tau, share), p, grid,
                  cfg);
              if (one_share && mc > 0.0 && reached)
                std::snprintf(cell, sizeof cell, " %.0f | %.2f |", mc, m_star / mc);
              else if (one_share)
                std::snprintf(cell, sizeof cell, " %s%.0f | |", mc > 0.0 ? "" : ">",
                              mc > 0.0 ? mc : grid.back());
              else
                std::snprintf(cell, sizeof cell, " %s%.0f |", mc > 0.0 ? "" : ">",
                              mc > 0.0 ? mc : grid.back());
              extra.append(cell);
            }
            std::snprintf(cell, sizeof cell, " %.2f |", announced);
            extra.append(cell);
          }
        }
        const double total = sens.total;
        std::printf("| %s | %ld | %.3g | %.3g | %s%.0f | %.3g | %.2f | %.2f | %.2f | %.2f |%s\n",
                    family, static_cast<long>(d), total, std::pow(total, theory),
                    reached ? "" : ">", m_cmp, m_cmp / static_cast<double>(d), dist[0],
                    dist[1], dist[2], dist[3], extra.c_str());
        std::fflush(stdout);
        if (family_name == "coordinate" && reached) {
          // The exact distortion of the coordinate family beside the lower bound at m* and at
          // the grid point below it (how far the lower bound, and so m*, may be off).
          const auto at = std::find(grid.begin(), grid.end(), m_star);
          const double below = at == grid.begin() ? -1.0 : *(at - 1);
          std::fprintf(stderr, "%s d=%ld p=%g: exact distortion (median) %.3f at m* = %.3g",
                       family, static_cast<long>(d), p, median_coordinate_exact(a, s, p, m_star, cfg),
                       m_star);
          if (below > 0.0)
            std::fprintf(stderr, ", %.3f at %.3g (lower bound there %.3f)",
                         median_coordinate_exact(a, s, p, below, cfg), below,
                         median_distortion(a, s, p, below, cfg));
          std::fprintf(stderr, "\n");
        }
        std::fprintf(stderr, "%s d=%ld p=%g: sensitivities %.1f s, search and comparison %.1f s\n",
                     family, static_cast<long>(d), p, std::chrono::duration<double>(te - ts).count(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count());
        if (reached) {
          log_s.push_back(std::log(total));
          log_d.push_back(std::log(static_cast<double>(d)));
          log_m.push_back(std::log(m_star));
        }
      }
    }
    const Fit fs = fit(log_s, log_m), fd = fit(log_d, log_m);
    if (!fs.defined) {
      std::printf("\nno fit over %zu matrices: S does not vary\n", log_m.size());
      std::fflush(stdout);
      continue;
    }
    std::printf("\nfit over %zu matrices: m* ~ S^%.2f (R^2 %.2f; theory %.3g), m* ~ d^%.2f "
                "(R^2 %.2f)\n",
                log_m.size(), fs.slope, fs.r2, theory, fd.slope, fd.r2);
    // Joint fit log m* = a + b log S + c log d: b is the dependence on S at fixed d.
    if (log_m.size() >= 4) {
      Eigen::MatrixXd x(static_cast<Eigen::Index>(log_m.size()), 3);
      Eigen::VectorXd y(x.rows());
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const auto k = static_cast<std::size_t>(i);
        x.row(i) << 1.0, log_s[k], log_d[k];
        y(i) = log_m[k];
      }
      const Eigen::Vector3d c = x.colPivHouseholderQr().solve(y);
      const double rss = (x * c - y).squaredNorm();
      const double tss = (y.array() - y.mean()).square().sum();
      std::printf("joint fit: m* ~ S^%.2f d^%.2f (R^2 %.2f)\n", c(1), c(2),
                  tss > 0 ? 1.0 - rss / tss : 0.0);
    }
    std::fflush(stdout);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\n# %.0f s\n", secs);
  return 0;
}
