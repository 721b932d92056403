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
// Run:  build/bin/sketch_sample_complexity [--n 600] [--eps 0.5] [--seeds 5] [--dims 2,4,8]
//       [--ps 1,1.5,3] [--threads 0] [--embedding K] [--families coordinate,gaussian,heavy]
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
};

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
        double dist = sk::distortion(a, smp.rows, p, dopt).distortion;
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

struct Fit {
  double slope = 0.0, r2 = 0.0;
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
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("# rows needed for median distortion (lower bound) <= %.3g over %zu seeds, n = %ld\n",
              cfg.eps, cfg.seeds, static_cast<long>(cfg.n));
  std::printf("# grid of expected rows: d * 2^(k/4) up to n/2; m* = first grid point reached\n");
  for (double p : cfg.ps) {
    const double theory = p < 2 ? 2.0 / p : 2.0 - 2.0 / p;
    const bool combined = p > 2.0;  // the leverage + sensitivity scheme is for p > 2
    std::printf("\n## p = %g (theory: rows ~ S^%.3g polylog)\n", p, theory);
    std::printf("| family | d | S | S^%.3g | m* | m*/d | sens | lewis | root-lev | uniform |%s\n",
                theory, combined ? " lev+sens |" : "");
    std::printf("|---|---|---|---|---|---|---|---|---|---|%s\n", combined ? "---|" : "");
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
        const auto ts = std::chrono::steady_clock::now();
        const sk::SensitivityResult sens = sk::lp_sensitivities(a, p, so);
        const auto te = std::chrono::steady_clock::now();
        if (so.embedding_rows > 0) {
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
        std::size_t lo = 0, hi = grid.size() - 1;
        const bool reached = median_distortion(a, s, p, grid[hi], cfg) <= cfg.eps;
        double m_star = -1.0;
        if (reached) {
          if (median_distortion(a, s, p, grid[0], cfg) <= cfg.eps) hi = 0;
          while (hi > lo + 1 && hi > 0) {
            const std::size_t mid = (lo + hi) / 2;
            if (median_distortion(a, s, p, grid[mid], cfg) <= cfg.eps) hi = mid;
            else lo = mid;
          }
          m_star = grid[hi];
        }
        const double m_cmp = reached ? m_star : grid.back();
        double dist[4];
        const sk::ScoreKind kinds[] = {sk::ScoreKind::sensitivity, sk::ScoreKind::lewis,
                                       sk::ScoreKind::root_leverage, sk::ScoreKind::uniform};
        for (int k = 0; k < 4; ++k) {
          const Eigen::VectorXd sc = k == 0 ? s : sk::sampling_scores(a, p, kinds[k]);
          dist[k] = median_distortion(a, sc, p, m_cmp, cfg);
        }
        char extra[32] = "";
        if (combined) {
          const Eigen::VectorXd ls =
              sk::leverage_sensitivity_scores(s, sampo::linalg::leverage_scores(a).scores);
          std::snprintf(extra, sizeof extra, " %.2f |", median_distortion(a, ls, p, m_cmp, cfg));
        }
        const double total = sens.total;
        std::printf("| %s | %ld | %.3g | %.3g | %s%.0f | %.3g | %.2f | %.2f | %.2f | %.2f |%s\n",
                    family, static_cast<long>(d), total, std::pow(total, theory),
                    reached ? "" : ">", m_cmp, m_cmp / static_cast<double>(d), dist[0],
                    dist[1], dist[2], dist[3], extra);
        std::fflush(stdout);
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
