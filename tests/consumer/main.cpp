// Uses an installed sampo the way a user's analysis code does: calls into every module's public
// API, and uses, resizes, copies and frees here the Eigen objects sampo returns, checking their
// values. scripts/run consumer builds it with default flags, -march=native and -O0 -g, and
// through pkg-config: were this file's Eigen settings different from sampo's build, the first
// vectorized use or destruction of a returned object would crash (docs/consumers.md).
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <numeric>
#include <sampo/io/json.hpp>  // opt-in: not in sampo.hpp (needs nlohmann-json)
#include <sampo/sampo.hpp>
#include <string>
#include <vector>
#ifdef SAMPO_CONSUMER_WITH_ARMADILLO
#include <sampo/interop/armadillo.hpp>
#endif

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  std::printf("  %-66s %s\n", what, ok ? "ok" : "FAILED");
  failures += ok ? 0 : 1;
}

/// ‖a - b‖_F / max(1, ‖b‖_F); infinity on a shape mismatch.
double difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return std::numeric_limits<double>::infinity();
  return (a - b).norm() / std::max(1.0, b.norm());
}

/// True if sampo's heap array sits on the boundary this file's Eigen assumes.
bool aligned(const double* p) {
  return reinterpret_cast<std::uintptr_t>(p) % EIGEN_MAX_ALIGN_BYTES == 0;
}

/// An n x p regression design drawn by sampo: a column of ones, then normal columns.
Eigen::MatrixXd design(sampo::parallel::RandomStream& rs, Eigen::Index n, Eigen::Index p) {
  Eigen::MatrixXd a = rs.normal_matrix(n, p);
  a.col(0).setOnes();
  return a;
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line out before a crash, even into a pipe
  std::printf(
      "consumer: Eigen %d.%d.%d (%s), EIGEN_MAX_ALIGN_BYTES=%d, "
      "EIGEN_MAX_STATIC_ALIGN_BYTES=%d, EIGEN_DEFAULT_ALIGN_BYTES=%d\n",
      EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
      Eigen::SimdInstructionSetsInUse(), EIGEN_MAX_ALIGN_BYTES, EIGEN_MAX_STATIC_ALIGN_BYTES,
      EIGEN_DEFAULT_ALIGN_BYTES);

  // core: version, and an exception thrown in the library caught here.
  expect(std::string(sampo::version()) == SAMPO_VERSION_STRING, "core: version");
  bool named = false;
  try {
    sampo::check_finite("consumer", "weights", Eigen::Vector3d(1.0, std::nan(""), 2.0));
  } catch (const sampo::invalid_argument& e) {
    named = std::string(e.what()).find("weights") != std::string::npos;
  }
  expect(named, "core: check_finite throws invalid_argument naming the argument");

  // parallel: matrices drawn by sampo, used here; a reduction over Philox streams.
  sampo::parallel::RandomStream rs(2024, 0);
  const Eigen::MatrixXd a = design(rs, 300, 5);
  expect(aligned(a.data()) && a.allFinite() && std::abs(a.col(1).mean()) < 0.2,
         "parallel: RandomStream::normal_matrix");
  const double total = sampo::parallel::map_reduce(
      1000, [](std::size_t i) { return sampo::parallel::RandomStream(7, 0, i).uniform(); },
      [](double x, double y) { return x + y; });
  expect(std::abs(total / 1000 - 0.5) < 0.05, "parallel: map_reduce of Philox uniforms");
  Eigen::VectorXd u = rs.uniform_vector(1000);
  u.conservativeResize(2000);  // realloc here of memory sampo allocated
  u.tail(1000).setZero();
  expect(std::abs(u.sum() / 1000 - 0.5) < 0.05 && u.maxCoeff() < 1.0,
         "parallel: uniform_vector, resized here");
  Eigen::VectorXd weights(4);
  weights << 0.0, 1.0, 0.0, 3.0;
  const sampo::parallel::DiscreteSampler sampler(weights);
  expect(std::abs(sampler.probability(3) - 0.75) < 1e-15 && sampler.probability(0) == 0.0,
         "parallel: DiscreteSampler from an Eigen vector");

  // linalg: leverage scores against this file's own Householder QR, SPD functions, solvers.
  sampo::linalg::LeverageResult lev = sampo::linalg::leverage_scores(a);
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(a.rows(), a.cols());
  expect(aligned(lev.scores.data()) && lev.rank == 5 && std::abs(lev.scores.sum() - 5.0) < 1e-12,
         "linalg: leverage_scores sum to the rank");
  expect((lev.scores - q.rowwise().squaredNorm()).cwiseAbs().maxCoeff() < 1e-13,
         "linalg: leverage_scores = row norms of this file's QR factor");
  lev.scores.conservativeResize(600);
  lev.scores.tail(300).setZero();
  expect(std::abs(lev.scores.sum() - 5.0) < 1e-12, "linalg: leverage_scores resized here");

  const Eigen::MatrixXd s = a.transpose() * a / 300.0 + Eigen::MatrixXd::Identity(5, 5);
  const Eigen::MatrixXd root = sampo::linalg::spd_sqrt(s);
  expect(difference(root * root, s) < 1e-13, "linalg: spd_sqrt squared");
  expect(difference(sampo::linalg::spd_exp(sampo::linalg::spd_log(s)), s) < 1e-13,
         "linalg: spd_exp(spd_log(S))");
  const sampo::linalg::SymmetricEigen eig = sampo::linalg::symmetric_eigen(s);
  expect(difference(eig.vectors * eig.values.asDiagonal() * eig.vectors.transpose(), s) < 1e-13 &&
             eig.values.minCoeff() >= 1.0 - 1e-13,
         "linalg: symmetric_eigen reconstructs S");
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(5, 1.0, 5.0);
  const sampo::linalg::CholeskyResult chol = sampo::linalg::cholesky_solve(s, b);
  expect(chol.ok() && difference(s * chol.solution, b) < 1e-13, "linalg: cholesky_solve");
  const sampo::linalg::ThinQr thin = sampo::linalg::thin_qr(a);
  expect(difference(thin.q * thin.r, a) < 1e-13, "linalg: thin_qr");
  sampo::linalg::RunningCovariance running(5);
  for (Eigen::Index i = 0; i < a.rows(); ++i) running.push(a.row(i).transpose());
  const Eigen::MatrixXd centred = a.rowwise() - a.colwise().mean();
  expect(difference(running.covariance(), centred.transpose() * centred / 299.0) < 1e-13,
         "linalg: RunningCovariance");

  // io: NPY, CSV and JSON round trips of Eigen objects.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sampo_consumer_" + std::to_string(reinterpret_cast<std::uintptr_t>(&rs)));
  std::filesystem::create_directories(dir);
  sampo::io::write_npy_matrix(dir / "a.npy", a);
  expect(sampo::io::read_npy_matrix(dir / "a.npy") == a, "io: NPY round trip (bit for bit)");
  sampo::io::write_csv(dir / "id.csv", Eigen::MatrixXd::Identity(2, 2), {"x", "y"});
  expect(sampo::io::read_csv(dir / "id.csv").column("y")(1) == 1.0, "io: CSV round trip");
  expect(sampo::io::json_to_matrix(sampo::io::matrix_to_json(s)) == s,
         "io: JSON round trip (bit for bit)");
  std::filesystem::remove_all(dir);

  // knots: an adaptive spline evaluated at a vector of points.
  sampo::knots::FitOptions opt;
  opt.rtol = 1e-8;
  opt.atol = 1.0;  // absolute tolerance 1e-8: sin(0) = 0 admits no relative one
  const auto fit = sampo::knots::fit([](double x) { return std::sin(x); }, 0.0, 3.0, opt);
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(101, 0.0, 3.0);
  const Eigen::VectorXd y = fit.interpolant(x);
  expect(fit.run.converged() && (y - x.array().sin().matrix()).cwiseAbs().maxCoeff() < 1e-6,
         "knots: adaptive spline fit of sin on 101 points");

  // riemann: covariances of two classes of synthetic trials, means, MDM, tangent space.
  std::vector<Eigen::MatrixXd> trials;
  std::vector<int> labels;
  const Eigen::Vector4d scale0(1.0, 1.0, 1.0, 1.0), scale1(3.0, 1.0, 1.0, 1.0 / 3.0);
  for (int i = 0; i < 40; ++i) {
    const int label = i % 2;
    trials.push_back((label == 0 ? scale0 : scale1).asDiagonal() * rs.normal_matrix(4, 200));
    labels.push_back(label);
  }
  const std::vector<Eigen::MatrixXd> covs = sampo::riemann::covariances(trials);
  const Eigen::MatrixXd t0 = trials[0].colwise() - trials[0].rowwise().mean();
  expect(covs.size() == 40 && difference(covs[0], t0 * t0.transpose() / 199.0) < 1e-13,
         "riemann: covariances = numpy.cov");
  const std::vector<Eigen::MatrixXd> pair = {Eigen::Vector2d(1.0, 4.0).asDiagonal(),
                                             Eigen::Vector2d(4.0, 1.0).asDiagonal()};
  const sampo::riemann::MeanResult mean = sampo::riemann::mean_riemann(pair);
  expect(
      mean.run.converged() && difference(mean.mean, 2.0 * Eigen::MatrixXd::Identity(2, 2)) < 1e-8,
      "riemann: Riemannian mean of diag(1,4), diag(4,1) = 2 I");
  sampo::riemann::Mdm mdm;
  mdm.fit(covs, labels);
  const std::vector<int> predicted = mdm.predict(covs);
  const auto correct = std::inner_product(predicted.begin(), predicted.end(), labels.begin(), 0,
                                          std::plus<>(), std::equal_to<>());
  const Eigen::MatrixXd proba = mdm.predict_proba(covs);
  expect(mdm.means().size() == 2 && correct >= 38 &&
             (proba.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-12,
         "riemann: MDM fit / predict on two synthetic classes");
  const Eigen::MatrixXd reference = sampo::riemann::mean_riemann(covs).mean;
  const Eigen::MatrixXd ts = sampo::riemann::tangent_space(covs, reference);
  const std::vector<Eigen::MatrixXd> back = sampo::riemann::untangent_space(ts, reference);
  expect(ts.rows() == 40 && ts.cols() == 10 &&
             (ts.row(3).transpose() - sampo::riemann::tangent_vector(covs[3], reference))
                     .cwiseAbs()
                     .maxCoeff() < 1e-12 &&
             difference(back[3], covs[3]) < 1e-12,
         "riemann: tangent_space and its inverse");

  // cav: a NADE batch on the cut-in scenario; its records (vectors of critical steps) are
  // built in the library and read and freed here.
  sampo::cav::TestOptions cav_options;
  cav_options.scenario = sampo::cav::Scenario::cut_in;
  cav_options.environment = sampo::cav::Environment::nade;
  const sampo::cav::BatchResult batch = sampo::cav::run_tests(cav_options, 40);
  bool ratios = true;
  std::size_t critical = 0;
  for (const auto& t : batch.tests) {
    double lr = 1.0;
    for (const auto& c : t.critical) lr *= c.p / c.q;
    ratios = ratios && lr == t.likelihood_ratio;
    critical += t.critical.size();
  }
  expect(batch.tests.size() == 40 && ratios && critical > 0 && batch.estimate >= 0.0,
         "cav: NADE cut-in batch, likelihood ratio = product of p/q");
  // cav -> mc: the batch as a test log (built in the library, read here); its IS estimate is
  // the batch's mean result: 40 non-negative terms summed in another order, so equal to
  // 40 * 2^-53 relative (1e-12 leaves room).
  const sampo::mc::TestLog cav_log = sampo::cav::to_test_log(batch.tests);
  const double cav_is = sampo::mc::importance_sampling(cav_log).estimate;
  expect(cav_log.tests() == 40 && cav_log.steps() == critical &&
             std::abs(cav_is - batch.estimate) <= 1e-12 * batch.estimate,
         "cav: the batch as an mc test log, IS estimate = the batch mean");

  // learn: stratified folds, a LIBLINEAR logistic regression on the tangent vectors, ROC-AUC.
  const std::vector<int> folds = sampo::learn::stratified_folds(labels, 4, 42);
  sampo::learn::LogisticRegression logistic;
  const sampo::learn::ClassifierFitResult fitted = logistic.fit(ts, labels);
  const Eigen::MatrixXd decision = logistic.decision_function(ts);
  expect(folds.size() == 40 && *std::max_element(folds.begin(), folds.end()) == 3 &&
             fitted.run.converged() && decision.cols() == 1 &&
             sampo::learn::roc_auc(decision.col(0), labels, 1) > 0.95,
         "learn: folds, logistic regression and ROC-AUC on tangent vectors");

  // signal: a zero-phase 8-35 Hz band-pass keeps a 20 Hz sine and removes a 2 Hz one.
  const double fs = 160.0;
  Eigen::MatrixXd wave(1, 1600);
  for (Eigen::Index t = 0; t < wave.cols(); ++t)
    wave(0, t) = std::sin(2.0 * 3.141592653589793 * 20.0 * double(t) / fs) +
                 std::sin(2.0 * 3.141592653589793 * 2.0 * double(t) / fs);
  const Eigen::MatrixXd band =
      sampo::signal::sosfiltfilt(sampo::signal::butterworth_bandpass(4, 8.0, 35.0, fs), wave);
  // Analytically |H(20 Hz)|^2 = 1 - 6e-6 and |H(2 Hz)|^2 = 2e-6 (forward and backward), so
  // the output is the 20 Hz sine to ~1e-5; 1e-2 leaves room for the start-up transient,
  // which has decayed by sample 400 (2.5 s, ~20 periods of the 8 Hz edge).
  double worst = 0.0;
  for (Eigen::Index t = 400; t < 1200; ++t)
    worst = std::max(
        worst, std::abs(band(0, t) - std::sin(2.0 * 3.141592653589793 * 20.0 * double(t) / fs)));
  expect(worst < 1e-2, "signal: Butterworth band-pass, zero phase (sosfiltfilt)");

  // sketch: one column, where Lewis weights and ℓp sensitivities are |a_i|^p / Σ|a_j|^p.
  const Eigen::Vector4d column(1.0, -2.0, 0.5, 3.0);
  const Eigen::VectorXd share = column.array().abs() / column.array().abs().sum();
  const auto lewis = sampo::sketch::lewis_weights(column, 1.0);
  const auto sens = sampo::sketch::lp_sensitivities(column, 1.0);
  expect(lewis.run.converged() && (lewis.weights - share).cwiseAbs().maxCoeff() < 1e-8 &&
             (sens.sensitivities - share).cwiseAbs().maxCoeff() < 1e-8,
         "sketch: l1 Lewis weights and sensitivities of one column");

  // bilevel: a problem written here (its vtable and the vectors its oracles fill cross the
  // library boundary): g = ½‖y‖² − xᵀy (y* = x), f = ½‖y − t‖², so Φ(x) = ½‖x − t‖², x* = t.
  struct Pull : sampo::bilevel::Problem {
    Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(5, -1.0, 1.0);
    std::string name() const override { return "consumer-pull"; }
    Eigen::Index dim_x() const override { return 5; }
    Eigen::Index dim_y() const override { return 5; }
    double f(const Eigen::VectorXd&, const Eigen::VectorXd& y, sampo::bilevel::Batch) const override {
      return 0.5 * (y - t).squaredNorm();
    }
    double g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, sampo::bilevel::Batch) const override {
      return 0.5 * y.squaredNorm() - x.dot(y);
    }
    void grad_x_f(const Eigen::VectorXd&, const Eigen::VectorXd&, sampo::bilevel::Batch,
                  Eigen::VectorXd& out) const override { out = Eigen::VectorXd::Zero(5); }
    void grad_y_f(const Eigen::VectorXd&, const Eigen::VectorXd& y, sampo::bilevel::Batch,
                  Eigen::VectorXd& out) const override { out = y - t; }
    void grad_y_g(const Eigen::VectorXd& x, const Eigen::VectorXd& y, sampo::bilevel::Batch,
                  Eigen::VectorXd& out) const override { out = y - x; }
    void hvp_yy_g(const Eigen::VectorXd&, const Eigen::VectorXd&, const Eigen::VectorXd& v,
                  sampo::bilevel::Batch, Eigen::VectorXd& out) const override { out = v; }
    void jvp_xy_g(const Eigen::VectorXd&, const Eigen::VectorXd&, const Eigen::VectorXd& v,
                  sampo::bilevel::Batch, Eigen::VectorXd& out) const override { out = -v; }
  } pull;
  sampo::bilevel::AidCgOptions aid;
  aid.max_iterations = 20;
  aid.outer_step = 1.0;
  aid.inner_step = 1.0;  // exact lower level after one step: x* after two iterations
  const auto bl = sampo::bilevel::aid_cg(pull, Eigen::VectorXd::Zero(5), Eigen::VectorXd::Zero(5), aid);
  expect((bl.x - pull.t).norm() < 1e-12 && bl.curvature.strongly_convex &&
             bl.oracle_counts.calls_of(sampo::bilevel::Oracle::grad_y_g) == 20 * aid.inner_steps,
         "bilevel: AID-CG on a problem defined by the consumer reaches x*");

#ifdef SAMPO_CONSUMER_WITH_ARMADILLO
  // interop: an Armadillo matrix viewed as Eigen, no copy.
  const arma::mat am(a.data(), a.rows(), a.cols());  // a copy owned by Armadillo
  const auto viewed = sampo::linalg::leverage_scores(sampo::interop::as_eigen(am));
  expect((viewed.scores - lev.scores.head(a.rows())).cwiseAbs().maxCoeff() < 1e-14,
         "interop: leverage_scores of an Armadillo matrix (zero copy)");
#endif

  std::printf("consumer: %s\n", failures == 0 ? "all checks passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}
