// sampo.sketch: leverage scores (exact, root, approximate), ℓp Lewis weights and sensitivities,
// ℓp row sampling, ℓp regression and the distortion of a sample (sampo::sketch, with
// sampo::linalg::leverage_scores). Matrices in as float64 arrays (a tall C-ordered matrix is
// copied once: pass numpy.asfortranarray to avoid it; leverage_scores, lewis_weights, their
// approximate versions and lp_sensitivities also take a scipy.sparse matrix, kept sparse);
// every call releases the GIL.
#include <pybind11/eigen.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/sketch/distortion.hpp"
#include "sampo/sketch/leverage.hpp"
#include "sampo/sketch/lewis.hpp"
#include "sampo/sketch/regression.hpp"
#include "sampo/sketch/sampling.hpp"
#include "sampo/sketch/sensitivity.hpp"

namespace sampo::python {

namespace {

namespace sk = sampo::sketch;
namespace la = sampo::linalg;

la::LeverageMethod leverage_method(const std::string& name, const char* function) {
  if (name == "automatic") return la::LeverageMethod::automatic;
  if (name == "qr") return la::LeverageMethod::qr;
  if (name == "gram") return la::LeverageMethod::gram;
  std::string msg(function);
  msg.append(": argument 'method' = '")
      .append(name)
      .append("': expected 'automatic', 'qr' or 'gram'");
  throw py::value_error(msg);
}

la::LeverageOptions leverage_options(const std::string& method, double max_gram_error,
                                     double rank_tolerance, const char* function) {
  la::LeverageOptions o;
  o.method = leverage_method(method, function);
  o.max_gram_error = max_gram_error;
  o.rank_tolerance = rank_tolerance;
  return o;
}

std::vector<Eigen::Index> indices_arg(const py::object& obj, const char* function,
                                      const char* name) {
  const py::array a = py::module_::import("numpy").attr("asarray")(obj);
  const char kind = a.dtype().kind();
  if (a.ndim() != 1 || (kind != 'i' && kind != 'u' && a.size() > 0)) {
    std::string msg(function);
    msg.append(": argument '")
        .append(name)
        .append("' must be a 1-D array of integer row indices, got dtype ")
        .append(py::str(a.dtype()).cast<std::string>());
    throw py::type_error(msg);
  }
  const py::array_t<std::int64_t> ints = py::module_::import("numpy").attr("asarray")(a, "int64");
  const auto u = ints.unchecked<1>();
  std::vector<Eigen::Index> out(static_cast<std::size_t>(u.shape(0)));
  for (py::ssize_t i = 0; i < u.shape(0); ++i) out[static_cast<std::size_t>(i)] = u(i);
  return out;
}

py::array_t<std::int64_t> index_array(const std::vector<Eigen::Index>& v) {
  static_assert(sizeof(Eigen::Index) == sizeof(std::int64_t));
  return py::array_t<std::int64_t>(static_cast<py::ssize_t>(v.size()),
                                   reinterpret_cast<const std::int64_t*>(v.data()));
}

bool is_sparse(const py::object& a) {
  try {
    return py::module_::import("scipy.sparse").attr("issparse")(a).cast<bool>();
  } catch (py::error_already_set&) {
    return false;  // no SciPy: not a SciPy matrix
  }
}

/// A scipy.sparse matrix as Eigen's column-major sparse matrix (one copy through CSC); a dtype
/// other than float64 is a TypeError naming @p function.
Eigen::SparseMatrix<double> sparse_arg(const py::object& a, const char* function) {
  const py::object csc = a.attr("tocsc")();
  const py::object data = csc.attr("data");
  if (!py::array_t<double>::check_(data)) {
    std::string msg(function);
    msg.append(": argument 'a' has dtype ")
        .append(py::str(data.attr("dtype")).cast<std::string>())
        .append(": sampo computes in float64; pass a.astype(numpy.float64)");
    throw py::type_error(msg);
  }
  return csc.cast<Eigen::SparseMatrix<double>>();
}

}  // namespace

void bind_sketch(py::module_& m) {
  // ---- leverage ----
  py::class_<la::LeverageResult>(m, "LeverageResult",
                                 "Exact leverage scores and the route taken "
                                 "(sampo::linalg::LeverageResult).")
      .def_readonly("scores", &la::LeverageResult::scores)
      .def_property_readonly(
          "method_used",
          [](const la::LeverageResult& r) { return std::string(la::to_string(r.method_used)); })
      .def_readonly("rank", &la::LeverageResult::rank)
      .def_readonly("condition_estimate", &la::LeverageResult::condition_estimate)
      .def_readonly("run", &la::LeverageResult::run)
      .def("__repr__", [](const la::LeverageResult& r) {
        return Repr("LeverageResult")
            .text("method_used", la::to_string(r.method_used))
            .count("rank", r.rank)
            .number("condition_estimate", r.condition_estimate)
            .str();
      });
  {
    const la::LeverageOptions d;
    m.def(
        "leverage_scores",
        [](const py::object& a, const std::string& method, double max_gram_error,
           double rank_tolerance) {
          constexpr const char* fn = "sampo.sketch.leverage_scores";
          const auto o = leverage_options(method, max_gram_error, rank_tolerance, fn);
          if (is_sparse(a)) {
            const auto s = sparse_arg(a, fn);
            py::gil_scoped_release release;
            return la::leverage_scores(s, o);
          }
          const MatrixArg x(a, fn, "a");
          py::gil_scoped_release release;
          return la::leverage_scores(x.ref(), o);
        },
        py::arg("a"), py::kw_only(), py::arg("method") = std::string(la::to_string(d.method)),
        py::arg("max_gram_error") = d.max_gram_error, py::arg("rank_tolerance") = d.rank_tolerance,
        "Exact leverage scores h_i = ‖e_iᵀU‖² of a tall matrix (U an orthonormal basis of "
        "range(a)); method 'automatic', 'qr' or 'gram' (sampo::linalg::leverage_scores). A "
        "scipy.sparse matrix stays sparse (its sparse Gram and R routes).");
  }
  m.def(
      "root_leverage_scores",
      [](const py::object& tau, double p) {
        return sk::root_leverage_scores(vector_arg(tau, "sampo.sketch.root_leverage_scores", "tau"),
                                        p);
      },
      py::arg("tau"), py::arg("p"),
      "Root leverage scores: τ^{p/2} for p <= 2, min(1, n^{p/2-1} τ^{p/2}) for p > 2.");

  py::class_<sk::ApproxLeverageResult>(m, "ApproxLeverageResult")
      .def_readonly("scores", &sk::ApproxLeverageResult::scores)
      .def_readonly("rank", &sk::ApproxLeverageResult::rank)
      .def_readonly("sketch_rows", &sk::ApproxLeverageResult::sketch_rows)
      .def_readonly("jl_dimension", &sk::ApproxLeverageResult::jl_dimension)
      .def_readonly("ratio_lower", &sk::ApproxLeverageResult::ratio_lower)
      .def_readonly("ratio_upper", &sk::ApproxLeverageResult::ratio_upper)
      .def_readonly("run", &sk::ApproxLeverageResult::run)
      .def("__repr__", [](const sk::ApproxLeverageResult& r) {
        return Repr("ApproxLeverageResult")
            .count("rank", r.rank)
            .count("sketch_rows", r.sketch_rows)
            .count("jl_dimension", r.jl_dimension)
            .literal("ratio", std::string("[")
                                  .append(format_value(r.ratio_lower))
                                  .append(", ")
                                  .append(format_value(r.ratio_upper))
                                  .append("]"))
            .str();
      });
  {
    const sk::ApproxLeverageOptions d;
    m.def(
        "approximate_leverage_scores",
        [](const py::object& a, double epsilon, double delta, Eigen::Index sketch_rows,
           Eigen::Index jl_dimension, std::uint64_t seed) {
          constexpr const char* fn = "sampo.sketch.approximate_leverage_scores";
          sk::ApproxLeverageOptions o;
          o.epsilon = epsilon;
          o.delta = delta;
          o.sketch_rows = sketch_rows;
          o.jl_dimension = jl_dimension;
          o.seed = seed;
          if (is_sparse(a)) {
            const auto s = sparse_arg(a, fn);
            py::gil_scoped_release release;
            return sk::approximate_leverage_scores(s, o);
          }
          const MatrixArg x(a, fn, "a");
          py::gil_scoped_release release;
          return sk::approximate_leverage_scores(x.ref(), o);
        },
        py::arg("a"), py::kw_only(), py::arg("epsilon") = d.epsilon, py::arg("delta") = d.delta,
        py::arg("sketch_rows") = d.sketch_rows, py::arg("jl_dimension") = d.jl_dimension,
        py::arg("seed") = d.seed,
        "Approximate leverage scores by CountSketch + Gaussian JL (dense array or "
        "scipy.sparse matrix); ratio_lower / ratio_upper bound τ̃/τ with probability >= "
        "1 - 2 delta.");
  }

  // ---- Lewis weights, sensitivities ----
  py::class_<sk::LewisResult>(m, "LewisResult")
      .def_readonly("weights", &sk::LewisResult::weights)
      .def_readonly("rank", &sk::LewisResult::rank)
      .def_readonly("damping", &sk::LewisResult::damping)
      .def_readonly("residual", &sk::LewisResult::residual)
      .def_readonly("sum_error", &sk::LewisResult::sum_error)
      .def_readonly("run", &sk::LewisResult::run)
      .def("__repr__", [](const sk::LewisResult& r) {
        return Repr("LewisResult")
            .count("rank", r.rank)
            .number("damping", r.damping)
            .number("residual", r.residual)
            .run(r.run)
            .str();
      });
  {
    const sk::LewisOptions d;
    m.def(
        "lewis_weights",
        [](const py::object& a, double p, double tolerance, std::size_t max_iterations,
           double damping, const std::string& method) {
          constexpr const char* fn = "sampo.sketch.lewis_weights";
          sk::LewisOptions o;
          o.tolerance = tolerance;
          o.max_iterations = max_iterations;
          o.damping = damping;
          o.leverage.method = leverage_method(method, fn);
          if (is_sparse(a)) {
            const auto s = sparse_arg(a, fn);
            py::gil_scoped_release release;
            return sk::lewis_weights(s, p, o);
          }
          const MatrixArg x(a, fn, "a");
          py::gil_scoped_release release;
          return sk::lewis_weights(x.ref(), p, o);
        },
        py::arg("a"), py::arg("p"), py::kw_only(), py::arg("tolerance") = d.tolerance,
        py::arg("max_iterations") = d.max_iterations, py::arg("damping") = d.damping,
        py::arg("method") = std::string(la::to_string(d.leverage.method)),
        "ℓp Lewis weights (w_i = τ_i(W^{1/2-1/p} A)); p = 2 gives the leverage scores. "
        "damping 0: automatic. method: the route of the inner leverage scores. A scipy.sparse "
        "matrix stays sparse.");
  }
  py::class_<sk::ApproxLewisResult>(m, "ApproxLewisResult")
      .def_readonly("weights", &sk::ApproxLewisResult::weights)
      .def_readonly("rank", &sk::ApproxLewisResult::rank)
      .def_readonly("error_bound", &sk::ApproxLewisResult::error_bound,
                    "stated bound E on max |log(w~/w)| (w the exact Lewis weights)")
      .def_readonly("failure_probability", &sk::ApproxLewisResult::failure_probability,
                    "min(1, 2 delta steps): E holds with probability >= 1 - this")
      .def_readonly("leverage_log_error", &sk::ApproxLewisResult::leverage_log_error)
      .def_readonly("last_change", &sk::ApproxLewisResult::last_change)
      .def_readonly("run", &sk::ApproxLewisResult::run)
      .def("__repr__", [](const sk::ApproxLewisResult& r) {
        return Repr("ApproxLewisResult")
            .count("rank", r.rank)
            .number("error_bound", r.error_bound)
            .number("failure_probability", r.failure_probability)
            .run(r.run)
            .str();
      });
  {
    const sk::ApproxLewisOptions d;
    m.def(
        "approximate_lewis_weights",
        [](const py::object& a, double p, double epsilon, double delta, Eigen::Index sketch_rows,
           Eigen::Index jl_dimension, std::uint64_t seed, std::size_t max_iterations) {
          constexpr const char* fn = "sampo.sketch.approximate_lewis_weights";
          sk::ApproxLewisOptions o;
          o.leverage.epsilon = epsilon;
          o.leverage.delta = delta;
          o.leverage.sketch_rows = sketch_rows;
          o.leverage.jl_dimension = jl_dimension;
          o.leverage.seed = seed;
          o.max_iterations = max_iterations;
          if (is_sparse(a)) {
            const auto s = sparse_arg(a, fn);
            py::gil_scoped_release release;
            return sk::approximate_lewis_weights(s, p, o);
          }
          const MatrixArg x(a, fn, "a");
          py::gil_scoped_release release;
          return sk::approximate_lewis_weights(x.ref(), p, o);
        },
        py::arg("a"), py::arg("p"), py::kw_only(), py::arg("epsilon") = d.leverage.epsilon,
        py::arg("delta") = d.leverage.delta, py::arg("sketch_rows") = d.leverage.sketch_rows,
        py::arg("jl_dimension") = d.leverage.jl_dimension, py::arg("seed") = d.leverage.seed,
        py::arg("max_iterations") = d.max_iterations,
        "ℓp Lewis weights (1 <= p < 4) by the Cohen–Peng iteration on approximate leverage "
        "scores (dense array or scipy.sparse matrix, kept sparse); epsilon, delta, sketch_rows, "
        "jl_dimension: each step's approximate_leverage_scores options. error_bound bounds "
        "max |log(w~/w)| with probability >= 1 - failure_probability.");
  }
  py::class_<sk::SensitivityResult>(m, "SensitivityResult")
      .def_readonly("sensitivities", &sk::SensitivityResult::sensitivities)
      .def_readonly("upper_bounds", &sk::SensitivityResult::upper_bounds)
      .def_readonly("total", &sk::SensitivityResult::total)
      .def_readonly("rank", &sk::SensitivityResult::rank)
      .def_readonly("max_relative_gap", &sk::SensitivityResult::max_relative_gap)
      .def_readonly("unconverged_rows", &sk::SensitivityResult::unconverged_rows)
      .def_readonly("approximate", &sk::SensitivityResult::approximate)
      .def_readonly("embedding_rows", &sk::SensitivityResult::embedding_rows)
      .def_readonly("run", &sk::SensitivityResult::run)
      .def("__repr__", [](const sk::SensitivityResult& r) {
        return Repr("SensitivityResult")
            .number("total", r.total)
            .count("rank", r.rank)
            .number("max_relative_gap", r.max_relative_gap)
            .count("unconverged_rows", r.unconverged_rows)
            .run(r.run)
            .str();
      });
  {
    const sk::SensitivityOptions d;
    m.def(
        "lp_sensitivities",
        [](const py::object& a, double p, double tolerance, std::size_t max_iterations,
           double smoothing_floor, Eigen::Index embedding_rows, std::uint64_t seed, int threads,
           bool use_glpk) {
          constexpr const char* fn = "sampo.sketch.lp_sensitivities";
          sk::SensitivityOptions o;
          o.tolerance = tolerance;
          o.max_iterations = max_iterations;
          o.smoothing_floor = smoothing_floor;
          o.embedding_rows = embedding_rows;
          o.seed = seed;
          o.threads = threads;
          o.use_glpk = use_glpk;
          if (is_sparse(a)) {
            const auto s = sparse_arg(a, fn);
            py::gil_scoped_release release;
            return sk::lp_sensitivities(s, p, o);
          }
          const MatrixArg x(a, fn, "a");
          py::gil_scoped_release release;
          return sk::lp_sensitivities(x.ref(), p, o);
        },
        py::arg("a"), py::arg("p"), py::kw_only(), py::arg("tolerance") = d.tolerance,
        py::arg("max_iterations") = d.max_iterations,
        py::arg("smoothing_floor") = d.smoothing_floor,
        py::arg("embedding_rows") = d.embedding_rows, py::arg("seed") = d.seed,
        py::arg("threads") = d.threads, py::arg("use_glpk") = d.use_glpk,
        "ℓp sensitivities σ_i = sup |a_iᵀx|^p / ‖Ax‖_p^p with certified upper bounds (exact), "
        "or against a Lewis-weight sample of embedding_rows rows. The same bits for any "
        "threads. A scipy.sparse matrix stays sparse (use_glpk needs a dense array).");
  }

  // ---- sampling ----
  m.def(
      "sampling_scores",
      [](const py::object& a, double p, const std::string& kind) {
        constexpr const char* fn = "sampo.sketch.sampling_scores";
        const sk::ScoreKind k = sk::score_kind_from_string(kind);
        const MatrixArg x(a, fn, "a");
        py::gil_scoped_release release;
        return sk::sampling_scores(x.ref(), p, k);
      },
      py::arg("a"), py::arg("p"), py::arg("kind"),
      "The scores of kind 'sensitivity', 'lewis', 'root-leverage', 'leverage', 'uniform' or "
      "'leverage-sensitivity' (leverage share 1/2) for the ℓp problem on a (default options of "
      "each routine).");
  m.def(
      "leverage_sensitivity_scores",
      [](const py::object& sigma, const py::object& tau, double leverage_share) {
        constexpr const char* fn = "sampo.sketch.leverage_sensitivity_scores";
        return sk::leverage_sensitivity_scores(vector_arg(sigma, fn, "sigma"),
                                               vector_arg(tau, fn, "tau"), leverage_share);
      },
      py::arg("sigma"), py::arg("tau"), py::kw_only(), py::arg("leverage_share") = 0.5,
      "Leverage and sensitivity combined (p > 2): s = 2[(1 − λ)σ/𝔖 + λτ/r] with 𝔖 = Σσ, "
      "r = Στ and λ = leverage_share in [0, 1] (0: sensitivities alone, 1: leverage alone), "
      "so Σs = 2; the default 1/2 gives σ/𝔖 + τ/r.");
  m.def(
      "alpha_for_expected_rows",
      [](const py::object& scores, double rows) {
        return sk::alpha_for_expected_rows(
            vector_arg(scores, "sampo.sketch.alpha_for_expected_rows", "scores"), rows);
      },
      py::arg("scores"), py::arg("m"), "α with Σ min(1, s_i/α) = m.");
  m.def("alpha_for_epsilon", &sk::alpha_for_epsilon, py::arg("epsilon"), py::arg("delta"),
        py::arg("d"),
        "α = ε²/(3 ln(2d/δ)): the matrix-Chernoff choice for p = 2 (a heuristic for p ≠ 2).");

  py::class_<sk::SampleResult>(m, "SampleResult")
      .def_readonly("rows", &sk::SampleResult::rows, "SA: the kept rows, rescaled")
      .def_readonly("weights", &sk::SampleResult::weights, "q_i^{-1/p} of the kept rows")
      .def_property_readonly(
          "indices", [](const sk::SampleResult& r) { return index_array(r.indices); },
          "kept rows of a, increasing")
      .def_readonly("probabilities", &sk::SampleResult::probabilities, "q_i for every row")
      .def_readonly("alpha", &sk::SampleResult::alpha)
      .def_readonly("expected_rows", &sk::SampleResult::expected_rows)
      .def_readonly("run", &sk::SampleResult::run)
      .def("__repr__", [](const sk::SampleResult& r) {
        return Repr("SampleResult")
            .count("rows", static_cast<long long>(r.indices.size()))
            .number("expected_rows", r.expected_rows)
            .number("alpha", r.alpha)
            .str();
      });
  {
    const sk::SampleOptions d;
    m.def(
        "sample_rows",
        [](const py::object& a, const py::object& scores, double p, double expected_rows,
           double alpha, std::uint64_t seed, std::uint64_t stream) {
          constexpr const char* fn = "sampo.sketch.sample_rows";
          sk::SampleOptions o;
          o.p = p;
          o.expected_rows = expected_rows;
          o.alpha = alpha;
          o.seed = seed;
          o.stream = stream;
          const MatrixArg x(a, fn, "a");
          const Eigen::VectorXd s = vector_arg(scores, fn, "scores");
          py::gil_scoped_release release;
          return sk::sample_rows(x.ref(), s, o);
        },
        py::arg("a"), py::arg("scores"), py::kw_only(), py::arg("p") = d.p,
        py::arg("expected_rows") = d.expected_rows, py::arg("alpha") = d.alpha,
        py::arg("seed") = d.seed, py::arg("stream") = d.stream,
        "Bernoulli ℓp sampling with q_i = min(1, s_i/α), kept rows rescaled by q_i^{-1/p}; "
        "give expected_rows or alpha. Row i's fate is a function of (seed, stream, i, q_i).");
  }

  // ---- regression, distortion ----
  py::class_<sk::LpRegressionResult>(m, "LpRegressionResult")
      .def_readonly("x", &sk::LpRegressionResult::x)
      .def_readonly("objective", &sk::LpRegressionResult::objective)
      .def_readonly("lower_bound", &sk::LpRegressionResult::lower_bound)
      .def_readonly("relative_gap", &sk::LpRegressionResult::relative_gap)
      .def_readonly("rank", &sk::LpRegressionResult::rank)
      .def_readonly("run", &sk::LpRegressionResult::run)
      .def("__repr__", [](const sk::LpRegressionResult& r) {
        return Repr("LpRegressionResult")
            .number("objective", r.objective)
            .number("lower_bound", r.lower_bound)
            .number("relative_gap", r.relative_gap)
            .run(r.run)
            .str();
      });
  const sk::LpRegressionOptions rd;
  m.def(
      "lp_regression",
      [](const py::object& a, const py::object& b, double p, double tolerance,
         std::size_t max_iterations, double smoothing_floor) {
        constexpr const char* fn = "sampo.sketch.lp_regression";
        sk::LpRegressionOptions o;
        o.tolerance = tolerance;
        o.max_iterations = max_iterations;
        o.smoothing_floor = smoothing_floor;
        const MatrixArg x(a, fn, "a");
        const Eigen::VectorXd bv = vector_arg(b, fn, "b");
        py::gil_scoped_release release;
        return sk::lp_regression(x.ref(), bv, p, o);
      },
      py::arg("a"), py::arg("b"), py::arg("p"), py::kw_only(), py::arg("tolerance") = rd.tolerance,
      py::arg("max_iterations") = rd.max_iterations,
      py::arg("smoothing_floor") = rd.smoothing_floor,
      "min_x ‖a x − b‖_p by safeguarded IRLS, with a certified lower bound (Hölder).");
  py::class_<sk::RegressionRatioResult>(m, "RegressionRatioResult")
      .def_readonly("ratio", &sk::RegressionRatioResult::ratio)
      .def_readonly("full", &sk::RegressionRatioResult::full)
      .def_readonly("sampled", &sk::RegressionRatioResult::sampled)
      .def_readonly("run", &sk::RegressionRatioResult::run)
      .def("__repr__", [](const sk::RegressionRatioResult& r) {
        return Repr("RegressionRatioResult").number("ratio", r.ratio).run(r.run).str();
      });
  m.def(
      "regression_error_ratio",
      [](const py::object& a, const py::object& b, const py::object& indices,
         const py::object& weights, double p, double tolerance, std::size_t max_iterations,
         double smoothing_floor) {
        constexpr const char* fn = "sampo.sketch.regression_error_ratio";
        sk::LpRegressionOptions o;
        o.tolerance = tolerance;
        o.max_iterations = max_iterations;
        o.smoothing_floor = smoothing_floor;
        const MatrixArg x(a, fn, "a");
        const Eigen::VectorXd bv = vector_arg(b, fn, "b");
        const std::vector<Eigen::Index> idx = indices_arg(indices, fn, "indices");
        const Eigen::VectorXd w = vector_arg(weights, fn, "weights");
        py::gil_scoped_release release;
        return sk::regression_error_ratio(x.ref(), bv, idx, w, p, o);
      },
      py::arg("a"), py::arg("b"), py::arg("indices"), py::arg("weights"), py::arg("p"),
      py::kw_only(), py::arg("tolerance") = rd.tolerance,
      py::arg("max_iterations") = rd.max_iterations,
      py::arg("smoothing_floor") = rd.smoothing_floor,
      "‖a x̃ − b‖_p / ‖a x* − b‖_p for x̃ fitted on the sampled rows (indices, weights as "
      "sample_rows returns them).");

  py::class_<sk::DistortionResult>(m, "DistortionResult")
      .def_readonly("distortion", &sk::DistortionResult::distortion)
      .def_readonly("f_min", &sk::DistortionResult::f_min)
      .def_readonly("f_max", &sk::DistortionResult::f_max)
      .def_readonly("exact", &sk::DistortionResult::exact)
      .def_readonly("run", &sk::DistortionResult::run)
      .def("__repr__", [](const sk::DistortionResult& r) {
        return Repr("DistortionResult")
            .number("distortion", r.distortion)
            .number("f_min", r.f_min)
            .number("f_max", r.f_max)
            .flag("exact", r.exact)
            .str();
      });
  {
    const sk::DistortionOptions d;
    m.def(
        "distortion",
        [](const py::object& a, const py::object& sa, double p, std::size_t random_starts,
           std::size_t row_starts, std::size_t iterations, std::uint64_t seed) {
          constexpr const char* fn = "sampo.sketch.distortion";
          sk::DistortionOptions o;
          o.random_starts = random_starts;
          o.row_starts = row_starts;
          o.iterations = iterations;
          o.seed = seed;
          const MatrixArg x(a, fn, "a");
          const MatrixArg s(sa, fn, "sa");
          py::gil_scoped_release release;
          return sk::distortion(x.ref(), s.ref(), p, o);
        },
        py::arg("a"), py::arg("sa"), py::arg("p"), py::kw_only(),
        py::arg("random_starts") = d.random_starts, py::arg("row_starts") = d.row_starts,
        py::arg("iterations") = d.iterations, py::arg("seed") = d.seed,
        "sup_x |‖SAx‖_p^p/‖Ax‖_p^p − 1|: exact for p = 2, a lower bound (multi-start search) "
        "otherwise.");
  }
}

}  // namespace sampo::python
