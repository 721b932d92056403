// Benchmarks of sampo::knots (SAMPO_BUILD_BENCHMARKS=ON: build/bin/bench_knots).
//
//   bench_knots                       Google Benchmark: the algorithm's own overhead per knot
//                                     (f ~ 15 ns) versus the number of knots, and the speed-up
//                                     of parallel midpoint evaluation when f costs ~100 us.
//   bench_knots --curves=FILE.csv [--svg=FILE.svg]
//                                     evaluations versus achieved error for every strategy, a
//                                     uniform grid and Chebyshev interpolation on the
//                                     validation functions; prints the markdown tables of
//                                     docs/knots.md and writes every run to FILE.csv;
//                                     --ascii=FUNCTION adds the ASCII plot of docs/knots.md.
//   bench_knots --sweep               the sin(wx) sweep (w = 5, 10, ..., 200 on [0, 3], rtol 1e-7,
//                                     atol 1): evaluations and achieved error per strategy.
//   bench_knots --families=SEED[,SEED...] [--strategies=NAME[,NAME...]]
//                                     the seeded random families of the reliability test
//                                     (tests/knots/random_families.hpp), 25 draws of each kind
//                                     at rtol 1e-4 ... 1e-10, max_knots 20000: evaluations,
//                                     converged runs, false convergences (measured error
//                                     > 10 rtol), jumps found, per strategy (high_order,
//                                     autoknots, autoknots+verify; all by default).
//
// Achieved error everywhere: max over 10^4 points uniform in the scaled variable of
// |g - f| / (|f| + atol), the quantity rtol bounds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../tests/knots/random_families.hpp"
#include "sampo/knots.hpp"
#include "sampo/parallel/random_stream.hpp"

namespace {
using namespace sampo::knots;

// ---------------------------------------------------------------------------------------
// The validation functions.
struct Target {
  std::string name;
  std::function<double(double)> f;
  double a, b;
  Scale scale;
  double atol;
};

double u01(sampo::parallel::RandomStream& g) { return g.uniform(); }

std::vector<Target> targets() {
  std::vector<Target> t;
  using halo::Profile;
  t.push_back({"nfw_sigma", [](double X) { return std::log(halo::surface_density(Profile::nfw, X)); }, 1e-4, 1e4, Scale::log, 1.0});
  t.push_back({"nfw_mass", [](double X) { return std::log(halo::cylinder_mass(Profile::nfw, X)); }, 1e-4, 1e4, Scale::log, 1.0});
  t.push_back({"hernquist_sigma", [](double X) { return std::log(halo::surface_density(Profile::hernquist, X)); }, 1e-4, 1e4, Scale::log, 1.0});
  t.push_back({"hernquist_mass", [](double X) { return std::log(halo::cylinder_mass(Profile::hernquist, X)); }, 1e-4, 1e4, Scale::log, 1.0});
  // NumCosmo's families, parameters as in validation/knots/families.cpp (seed 11).
  sampo::parallel::RandomStream g(11, 0);  // the kit's generator, as the validation
  std::vector<double> c(6);
  for (double& v : c) v = -10 + 20 * u01(g);
  t.push_back({"polynomial", [c](double x) { double s = 0; for (auto it = c.rbegin(); it != c.rend(); ++it) s = s * x + *it; return s; }, 0, 1, Scale::linear, 1.0});
  g = sampo::parallel::RandomStream(11, 0);
  std::vector<double> A(10), nu(10);
  for (int i = 0; i < 10; ++i) { A[i] = -1 + 2 * u01(g); nu[i] = -5 + 10 * u01(g); }
  t.push_back({"cosine", [A, nu](double x) { double s = 0; for (int i = 0; i < 10; ++i) s += A[i] * std::cos(2 * 3.141592653589793 * nu[i] * x); return s; }, 0, 1, Scale::linear, 1.0});
  g = sampo::parallel::RandomStream(11, 0);
  const double alpha = -1 + 2 * u01(g), beta = 10 + 40 * u01(g);
  t.push_back({"exp_sinc", [alpha, beta](double x) { const double z = beta * x, s = z == 0 ? 1.0 : std::sin(z) / z; return 0.5 * std::exp(alpha * x) + s * s; }, -1, 1, Scale::linear, 1.0});
  g = sampo::parallel::RandomStream(11, 0);
  std::vector<double> w(8), ce(8), sg(8);
  for (int i = 0; i < 8; ++i) { w[i] = -1 + 2 * u01(g); ce[i] = u01(g); sg[i] = 0.05 + 0.15 * u01(g); }
  t.push_back({"rbf", [w, ce, sg](double x) { double v = 0; for (int i = 0; i < 8; ++i) v += w[i] * std::exp(-std::pow((x - ce[i]) / sg[i], 2)); return v; }, 0, 1, Scale::linear, 1.0});
  t.push_back({"logistic_step", [](double x) { return 1 / (1 + std::exp(-(x - 0.5) / 0.005)); }, 0, 1, Scale::linear, 1.0});
  t.push_back({"tanh_plateau", [](double x) { return 0.5 * (std::tanh((x - 0.3) / 0.01) - std::tanh((x - 0.7) / 0.01)); }, 0, 1, Scale::linear, 1.0});
  t.push_back({"kink", [](double x) { return std::abs(x - 1.0 / 3.0); }, 0, 1, Scale::linear, 1.0});
  t.push_back({"exp", [](double x) { return std::exp(x); }, -5, 5, Scale::linear, 0.0});
  return t;
}

// ---------------------------------------------------------------------------------------
// Evaluations versus achieved error.
struct Point {
  std::string target, method;
  double parameter;  // rtol, or the grid size
  std::size_t evaluations;
  double error;
};

template <class G>
double achieved(const Target& t, G g) {
  const double ta = to_scaled(t.scale, t.a), tb = to_scaled(t.scale, t.b);
  double e = 0.0;
  for (int i = 0; i < 10000; ++i) {
    const double x = std::clamp(from_scaled(t.scale, ta + (tb - ta) * (i + 0.5) / 10000.0), t.a, t.b);
    const double y = t.f(x);
    e = std::max(e, std::abs(g(x) - y) / (std::abs(y) + t.atol));
  }
  return e;
}

// Chebyshev interpolation at n + 1 Chebyshev-Lobatto points of the scaled variable,
// evaluated with the barycentric formula (what boost::math::chebyshev_transform represents
// through its coefficients; that class needs FFTW, which sampo does not depend on).
struct Chebyshev {
  double ta, tb;
  std::vector<double> nodes, values, weights;
  Chebyshev(const Target& t, int n) : ta(to_scaled(t.scale, t.a)), tb(to_scaled(t.scale, t.b)) {
    for (int j = 0; j <= n; ++j) {
      const double s = std::cos(3.141592653589793 * j / n);
      const double tt = 0.5 * (ta + tb) + 0.5 * (tb - ta) * s;
      nodes.push_back(s);
      values.push_back(t.f(std::clamp(from_scaled(t.scale, tt), t.a, t.b)));
      weights.push_back((j % 2 ? -1.0 : 1.0) * (j == 0 || j == n ? 0.5 : 1.0));
    }
  }
  double operator()(double tt) const {
    const double s = (2 * tt - ta - tb) / (tb - ta);
    double num = 0, den = 0;
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      const double d = s - nodes[j];
      if (d == 0) return values[j];
      num += weights[j] * values[j] / d;
      den += weights[j] / d;
    }
    return num / den;
  }
};

std::vector<Point> curves(const std::vector<Target>& ts) {
  std::vector<Point> pts;
  std::vector<double> rtols;
  for (int k = 4; k <= 24; ++k) rtols.push_back(std::pow(10.0, -k / 2.0));  // 1e-2 .. 1e-12
  std::vector<int> sizes;
  for (double n = 6; n < 30000; n *= 1.25) sizes.push_back(static_cast<int>(std::lround(n)));
  for (const Target& t : ts) {
    std::fprintf(stderr, "curves: %s\n", t.name.c_str());
    struct M {
      const char* name;
      Strategy s;
      int order;
      bool verify;
    };
    for (const M m : {M{"autoknots", Strategy::autoknots, 10, false},
                      M{"autoknots+verify", Strategy::autoknots, 10, true},
                      M{"high_order(6)", Strategy::high_order, 6, false},
                      M{"high_order(10)", Strategy::high_order, 10, false},
                      M{"high_order(14)", Strategy::high_order, 14, false}}) {
      for (double rtol : rtols) {
        FitOptions o;
        o.rtol = rtol;
        o.atol = t.atol;
        o.scale = t.scale;
        o.strategy = m.s;
        o.order = m.order;
        o.verify = m.verify;
        o.max_knots = 200000;
        const FitResult r = fit(t.f, t.a, t.b, o);
        if (!r.run.converged()) continue;  // budget exhausted: no point on the curve
        pts.push_back({t.name, m.name, rtol, r.run.evaluations, achieved(t, r.interpolant)});
      }
    }
    for (int n : sizes) {  // uniform not-a-knot spline in the scaled variable
      const double ta = to_scaled(t.scale, t.a), tb = to_scaled(t.scale, t.b);
      Eigen::VectorXd tt = Eigen::VectorXd::LinSpaced(n, ta, tb), y(n);
      for (int i = 0; i < n; ++i) y(i) = t.f(std::clamp(from_scaled(t.scale, tt(i)), t.a, t.b));
      const Interpolant g(t.scale, CubicSpline(tt, y).piecewise());
      pts.push_back({t.name, "uniform_cubic", double(n), std::size_t(n), achieved(t, g)});
    }
    for (int n : sizes) {
      if (n > 4096) break;
      const Chebyshev c(t, n - 1);
      pts.push_back({t.name, "chebyshev", double(n), std::size_t(n),
                     achieved(t, [&](double x) { return c(to_scaled(t.scale, x)); })});
    }
  }
  return pts;
}

// Fewest evaluations with achieved error <= target (0 if none).
std::size_t needed(const std::vector<Point>& pts, const std::string& target, const std::string& method,
                   double err) {
  std::size_t best = 0;
  for (const Point& p : pts)
    if (p.target == target && p.method == method && p.error <= err && (best == 0 || p.evaluations < best))
      best = p.evaluations;
  return best;
}

void print_tables(const std::vector<Point>& pts, const std::vector<Target>& ts) {
  const std::vector<std::string> methods = {"autoknots", "autoknots+verify", "high_order(6)", "high_order(10)",
                                            "high_order(14)", "uniform_cubic", "chebyshev"};
  std::printf("\n### Evaluations needed to reach an achieved error (fewest over the rtol ladder)\n\n");
  std::printf("| function | achieved <= |");
  for (const auto& m : methods) std::printf(" %s |", m.c_str());
  std::printf(" autoknots / high_order(10) |\n|---|---|");
  for (std::size_t i = 0; i <= methods.size(); ++i) std::printf("---|");
  std::printf("\n");
  for (const Target& t : ts)
    for (double e : {1e-4, 1e-6, 1e-8, 1e-10}) {
      std::printf("| %s | %.0e |", t.name.c_str(), e);
      for (const auto& m : methods) {
        const std::size_t n = needed(pts, t.name, m, e);
        if (n) std::printf(" %zu |", n); else std::printf(" - |");
      }
      const std::size_t a = needed(pts, t.name, "autoknots", e), h = needed(pts, t.name, "high_order(10)", e);
      if (a && h) std::printf(" %.1f |\n", double(a) / double(h)); else std::printf(" - |\n");
    }
  std::printf("\n### At the same rtol: evaluations (achieved error)\n\n| function | rtol | autoknots | autoknots+verify | high_order(10) |\n|---|---|---|---|---|\n");
  for (const Target& t : ts)
    for (double r : {1e-4, 1e-6, 1e-8, 1e-10}) {
      std::printf("| %s | %.0e |", t.name.c_str(), r);
      for (const char* m : {"autoknots", "autoknots+verify", "high_order(10)"}) {
        const Point* hit = nullptr;
        for (const Point& p : pts)
          if (p.target == t.name && p.method == m && std::abs(p.parameter / r - 1) < 1e-9) hit = &p;
        if (hit) std::printf(" %zu (%.1e) |", hit->evaluations, hit->error); else std::printf(" - |");
      }
      std::printf("\n");
    }
}

// The ASCII plot of docs/knots.md: evaluations (x, 21 columns per decade from 10 to 10^4) versus
// achieved error (y, 2 rows per decade from 1e-2; larger errors on the top row, smaller than
// 1e-14 on the bottom one) for one function; '*' where methods overlap.
void print_ascii(const std::vector<Point>& pts, const std::string& function) {
  const std::vector<std::pair<std::string, char>> methods = {
      {"autoknots", 'A'}, {"high_order(10)", 'H'}, {"chebyshev", 'C'}, {"uniform_cubic", 'U'}};
  constexpr int rows = 25, cols = 64;
  std::vector<std::string> grid(rows, std::string(cols, ' '));
  for (const auto& [m, c] : methods)
    for (const Point& p : pts) {
      if (p.target != function || p.method != m) continue;
      const long col = std::lround(21.0 * std::log10(static_cast<double>(p.evaluations) / 10.0));
      if (col < 0 || col >= cols) continue;
      const long row = std::clamp<long>(std::lround(-2.0 * std::log10(std::max(p.error, 1e-300)) - 4.0), 0, rows - 1);
      char& cell = grid[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)];
      cell = (cell == ' ' || cell == c) ? c : '*';
    }
  std::printf("\n%s: evaluations versus achieved error (A autoknots, H high_order(10), C Chebyshev, U uniform "
              "cubic, * overlap)\n```\n", function.c_str());
  for (int r = 0; r < rows; ++r) {
    std::string line = grid[static_cast<std::size_t>(r)];
    line.erase(line.find_last_not_of(' ') + 1);
    char label[16] = "";
    if (r % 4 == 0) std::snprintf(label, sizeof label, "1e-%d", 2 + r / 2);
    std::printf("%6s |%s\n", label, line.c_str());
  }
  std::printf("       +%s\n        1e1                  1e2                  1e3                  1e4    "
              "evaluations\n```\n", std::string(64, '-').c_str());
}

// A small log-log SVG: one panel per target, one polyline per method.
void write_svg(const std::string& path, const std::vector<Point>& pts, const std::vector<Target>& ts) {
  const std::vector<std::pair<std::string, const char*>> methods = {
      {"autoknots", "#d62728"}, {"high_order(10)", "#1f77b4"}, {"uniform_cubic", "#7f7f7f"}, {"chebyshev", "#2ca02c"}};
  const int cols = 4, pw = 300, ph = 220, rows = static_cast<int>((ts.size() + cols - 1) / cols);
  std::ofstream out(path);
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << cols * pw << "' height='" << rows * ph + 30
      << "' font-family='sans-serif' font-size='10'>\n<rect width='100%' height='100%' fill='white'/>\n";
  for (std::size_t k = 0; k < ts.size(); ++k) {
    const double x0 = (k % cols) * pw + 40, y0 = (k / cols) * ph + 20, w = pw - 55, h = ph - 50;
    auto X = [&](double n) { return x0 + w * (std::log10(n) - 0.5) / 4.0; };          // 10^0.5 .. 10^4.5
    auto Y = [&](double e) { return y0 + h * (-std::log10(std::max(e, 1e-16)) - 1) / 15.0; };  // 1e-1 .. 1e-16
    out << "<rect x='" << x0 << "' y='" << y0 << "' width='" << w << "' height='" << h
        << "' fill='none' stroke='black'/>\n<text x='" << x0 + 5 << "' y='" << y0 + 12 << "'>" << ts[k].name << "</text>\n";
    for (int d = 1; d <= 4; ++d) out << "<text x='" << X(std::pow(10, d)) - 8 << "' y='" << y0 + h + 12 << "'>1e" << d << "</text>\n";
    for (int d = 2; d <= 16; d += 4) out << "<text x='" << x0 - 32 << "' y='" << Y(std::pow(10, -d)) + 3 << "'>1e-" << d << "</text>\n";
    for (const auto& [m, color] : methods) {
      std::vector<std::pair<double, double>> line;
      for (const Point& p : pts)
        if (p.target == ts[k].name && p.method == m && p.evaluations <= 30000) line.emplace_back(p.evaluations, p.error);
      std::sort(line.begin(), line.end());
      out << "<polyline fill='none' stroke='" << color << "' points='";
      for (auto [n, e] : line) out << X(n) << "," << Y(e) << " ";
      out << "'/>\n";
    }
  }
  double lx = 40;
  for (const auto& [m, color] : methods) {
    out << "<text x='" << lx << "' y='" << rows * ph + 20 << "' fill='" << color << "'>" << m << "</text>\n";
    lx += 120;
  }
  out << "<text x='" << lx << "' y='" << rows * ph + 20 << "'>x: evaluations, y: achieved max |g-f|/(|f|+atol)</text>\n</svg>\n";
}

// ---------------------------------------------------------------------------------------
// The sweep and the seeded families, per strategy (docs/knots.md, Benchmarks).
struct Variant {
  const char* name;
  Strategy strategy;
  bool verify;
};
constexpr Variant kVariants[] = {{"high_order", Strategy::high_order, false},
                                 {"autoknots", Strategy::autoknots, false},
                                 {"autoknots+verify", Strategy::autoknots, true}};

// sin(wx) on [0, 3], w = 5, 10, ..., 200, rtol 1e-7, atol 1; error on 10^4 uniform points
// (as the validation cases sweep/sin(wx),w=5..200/*).
void print_sweep() {
  std::printf("| strategy | evaluations | runs above rtol | worst / rtol (at w) | not converged |\n|---|---|---|---|---|\n");
  for (const Variant& v : kVariants) {
    FitOptions o;
    o.rtol = 1e-7;
    o.atol = 1.0;
    o.strategy = v.strategy;
    o.verify = v.verify;
    std::size_t total = 0, above = 0, not_converged = 0;
    double worst = 0.0;
    int worst_w = 0;
    for (int w = 5; w <= 200; w += 5) {
      const auto f = [w](double x) { return std::sin(w * x); };
      const FitResult r = fit(f, 0.0, 3.0, o);
      double e = 0.0;
      for (int i = 0; i < 10000; ++i) {
        const double x = 3.0 * i / 9999.0, y = f(x);
        e = std::max(e, std::abs(r.interpolant(x) - y) / (o.rtol * (std::abs(y) + o.atol)));
      }
      total += r.run.evaluations;
      if (!r.run.converged()) ++not_converged;
      if (e > 1.0) ++above;
      if (e > worst) {
        worst = e;
        worst_w = w;
      }
    }
    std::printf("| %s | %zu | %zu of 40 | %.3g (w = %d) | %zu |\n", v.name, total, above, worst, worst_w,
                not_converged);
  }
}

// The reliability test's families (tests/knots/test_fit_reliability.cpp) at 25 draws per kind
// and 7 tolerances; the measured error is the test's: max over m = clamp(4 n, 4000, 2e5) points
// stratified in the scaled variable of |g - f| / (rtol (|f| + atol)).
void print_families(const std::vector<std::uint64_t>& seeds, const std::vector<std::string>& names) {
  using sampo::test::knots::Family;
  using sampo::test::knots::Kind;
  std::printf("| seed | strategy | runs | evaluations | converged | false (> 10 rtol) | worst converged / rtol | "
              "max_evaluations | jumps at x (of) |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const std::uint64_t seed : seeds)
    for (const Variant& v : kVariants) {
      if (!names.empty() && std::find(names.begin(), names.end(), v.name) == names.end()) continue;
      std::size_t runs = 0, evaluations = 0, converged = 0, wrong = 0, budget = 0, jumps = 0, jumps_ok = 0;
      double worst = 0.0;
      for (const Kind kind : sampo::test::knots::kKinds)
        for (int i = 0; i < 25; ++i) {
          const Family fam = sampo::test::knots::draw_family(kind, static_cast<std::uint64_t>(i), seed);
          for (int k = 4; k <= 10; ++k) {
            const double rtol = std::pow(10.0, -k);
            FitOptions o;
            o.strategy = v.strategy;
            o.verify = v.verify;
            o.rtol = rtol;
            o.atol = fam.atol;
            o.scale = fam.scale;
            o.max_knots = 20000;
            const FitResult r = fit(fam.f, fam.a, fam.b, o);
            ++runs;
            evaluations += r.run.evaluations;
            if (r.run.termination == sampo::Termination::max_evaluations) ++budget;
            if (kind == Kind::jump) {
              ++jumps;
              if (r.run.termination == sampo::Termination::discontinuity_suspected &&
                  std::abs(r.discontinuity_at - fam.jump_at) <= 1e-10 * (fam.b - fam.a))
                ++jumps_ok;
              continue;
            }
            if (!r.run.converged()) continue;
            ++converged;
            const double ta = to_scaled(fam.scale, fam.a), tb = to_scaled(fam.scale, fam.b);
            const std::size_t m = std::clamp<std::size_t>(4 * r.run.evaluations, 4000, 200000);
            sampo::parallel::RandomStream rs(seed, 0x636865636bull, static_cast<std::uint64_t>(i));
            double e = 0.0;
            for (std::size_t j = 0; j < m; ++j) {
              const double t = ta + (tb - ta) * (static_cast<double>(j) + rs.uniform()) / static_cast<double>(m);
              const double x = std::clamp(from_scaled(fam.scale, t), fam.a, fam.b), y = fam.f(x);
              e = std::max(e, std::abs(r.interpolant(x) - y) / (rtol * (std::abs(y) + fam.atol)));
            }
            worst = std::max(worst, e);
            if (e > 10.0) {
              ++wrong;
              std::fprintf(stderr, "false: %s, rtol %.0e, %s: %zu evaluations, %.3g x rtol\n", v.name, rtol,
                           fam.description.c_str(), r.run.evaluations, e);
            }
          }
        }
      std::printf("| %llu | %s | %zu | %zu | %zu | %zu | %.3g | %zu | %zu (%zu) |\n",
                  static_cast<unsigned long long>(seed), v.name, runs, evaluations, converged, wrong, worst,
                  budget, jumps_ok, jumps);
      std::fflush(stdout);
    }
}

std::vector<std::string> split(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (; *s; ++s) {
    if (*s == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += *s;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// ---------------------------------------------------------------------------------------
// Google Benchmark.
void BM_overhead(benchmark::State& state) {
  // f = sin(30 x) on [0, 10] (~15 ns a call): the time is the algorithm's own.
  FitOptions o;
  o.rtol = std::pow(10.0, -static_cast<double>(state.range(0)));
  o.atol = 1.0;
  o.strategy = state.range(1) ? Strategy::high_order : Strategy::autoknots;
  std::size_t knots = 0;
  for (auto _ : state) {
    const FitResult r = fit([](double x) { return std::sin(30 * x); }, 0.0, 10.0, o);
    knots = r.run.evaluations;
    benchmark::DoNotOptimize(r.error_estimate);
  }
  state.counters["knots"] = static_cast<double>(knots);
  state.counters["s_per_knot"] = benchmark::Counter(static_cast<double>(knots) * state.iterations(),
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(o.strategy == Strategy::high_order ? "high_order" : "autoknots");
}
BENCHMARK(BM_overhead)->ArgsProduct({{4, 6, 8, 10, 12}, {0, 1}})->Unit(benchmark::kMillisecond);

void BM_parallel_midpoints(benchmark::State& state) {
  // f busy-waits ~100 us (an expensive integrand); autoknots at rtol 1e-6 on
  // exp(-x^2) cos(40 x): ~700 evaluations in ~11 passes.
  auto f = [](double x) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    while (std::chrono::steady_clock::now() < until) {
    }
    return std::exp(-x * x) * std::cos(40 * x);
  };
  FitOptions o;
  o.rtol = 1e-6;
  o.atol = 1.0;
  o.threads = static_cast<int>(state.range(0));
  o.strategy = state.range(1) ? Strategy::high_order : Strategy::autoknots;
  std::size_t knots = 0;
  for (auto _ : state) {
    const FitResult r = fit(f, -3.0, 3.0, o);
    knots = r.run.evaluations;
  }
  state.counters["knots"] = static_cast<double>(knots);
  state.SetLabel(o.strategy == Strategy::high_order ? "high_order" : "autoknots");
}
BENCHMARK(BM_parallel_midpoints)->ArgsProduct({{1, 2}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  std::string csv, svg, ascii;
  std::vector<char*> rest;
  std::vector<std::string> families, strategies;
  bool sweep = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--curves=", 9) == 0) csv = argv[i] + 9;
    else if (std::strncmp(argv[i], "--svg=", 6) == 0) svg = argv[i] + 6;
    else if (std::strncmp(argv[i], "--ascii=", 8) == 0) ascii = argv[i] + 8;
    else if (std::strcmp(argv[i], "--sweep") == 0) sweep = true;
    else if (std::strncmp(argv[i], "--families=", 11) == 0) families = split(argv[i] + 11);
    else if (std::strncmp(argv[i], "--strategies=", 13) == 0) strategies = split(argv[i] + 13);
    else rest.push_back(argv[i]);
  }
  if (sweep || !families.empty()) {
    if (sweep) print_sweep();
    if (!families.empty()) {
      std::vector<std::uint64_t> seeds;
      for (const std::string& s : families) seeds.push_back(std::stoull(s));
      if (sweep) std::printf("\n");
      print_families(seeds, strategies);
    }
    return 0;
  }
  if (!csv.empty()) {
    const auto ts = targets();
    const auto pts = curves(ts);
    std::ofstream out(csv);
    out << "function,method,parameter,evaluations,achieved_error\n";
    for (const Point& p : pts)
      out << p.target << "," << p.method << "," << p.parameter << "," << p.evaluations << "," << p.error << "\n";
    print_tables(pts, ts);
    if (!ascii.empty()) print_ascii(pts, ascii);
    if (!svg.empty()) write_svg(svg, pts, ts);
    return 0;
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
