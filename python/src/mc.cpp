// sampo.mc: unbiased rare-event estimators over test logs (sampo::mc): a log built from NumPy
// arrays or read from CSV / NPY, crude Monte Carlo, importance sampling, cross-fitted control
// variates and the defensive mixture; results as Estimate objects with attributes.
#include <pybind11/operators.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/mc/control_variates.hpp"
#include "sampo/mc/estimate.hpp"
#include "sampo/mc/gaussian_benchmark.hpp"
#include "sampo/mc/importance_sampling.hpp"
#include "sampo/mc/multi_surrogate.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/mc/log_io.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo::python {

namespace {

namespace mc = sampo::mc;

template <class O>
O estimator_options(double confidence, double rhw_target, int threads, std::size_t chunk,
                    bool keep_values) {
  O o;
  o.confidence = confidence;
  o.rhw_target = rhw_target;
  o.threads = threads;
  o.chunk = chunk;
  o.keep_values = keep_values;
  return o;
}

py::array_t<double> array_of(const std::vector<double>& v) {
  return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
}

// A 1-D integer array (any integer dtype) as int64 values, checked like vector_arg.
std::vector<std::int64_t> int64_arg(const py::handle& obj, const char* function,
                                    const char* name) {
  const py::array a = py::module_::import("numpy").attr("asarray")(obj);
  const char kind = a.dtype().kind();
  if (a.ndim() != 1 || (kind != 'i' && kind != 'u')) {
    std::string msg(function);
    msg.append(": argument '").append(name).append("' must be a 1-D integer array, got shape ")
        .append(shape_string(a)).append(" of dtype ").append(py::str(a.dtype()));
    throw py::type_error(msg);
  }
  const py::array_t<std::int64_t> ints = py::module_::import("numpy").attr("asarray")(a, "int64");
  const auto u = ints.unchecked<1>();
  std::vector<std::int64_t> out(static_cast<std::size_t>(u.shape(0)));
  for (py::ssize_t i = 0; i < u.shape(0); ++i) out[static_cast<std::size_t>(i)] = u(i);
  return out;
}

[[noreturn]] void log_error(const char* name, const std::string& what) {
  std::string msg = "sampo.mc.test_log: argument '";
  msg.append(name).append("' ").append(what);
  throw py::value_error(msg);
}

// A per-step table: (steps, columns) float64, columns = the schema's names (none: optional).
Eigen::MatrixXd step_table(const py::object& values, std::size_t steps, std::size_t columns,
                           const char* name, const char* names) {
  if (values.is_none()) {
    if (columns != 0) log_error(name, std::string("is missing: the log names ") + names);
    return Eigen::MatrixXd(static_cast<Eigen::Index>(steps), 0);
  }
  Eigen::MatrixXd t;
  // A (steps, 0) table (a log without such columns, from to_dict) has nothing to check.
  const py::array a = py::module_::import("numpy").attr("asarray")(values);
  if (a.ndim() == 2 && (a.shape(0) == 0 || a.shape(1) == 0))
    t.resize(a.shape(0), a.shape(1));
  else
    t = MatrixArg(values, "sampo.mc.test_log", name).ref();
  if (static_cast<std::size_t>(t.rows()) != steps || static_cast<std::size_t>(t.cols()) != columns)
    log_error(name, "has shape (" + std::to_string(t.rows()) + ", " + std::to_string(t.cols()) +
                        "), expected (" + std::to_string(steps) + ", " + std::to_string(columns) +
                        ") = (steps, len(" + names + "))");
  return t;
}

mc::TestLog make_log(const py::object& results, const py::object& weights,
                     const py::object& controls, const std::vector<std::string>& control_names,
                     const py::object& first_step, const py::object& p_arg,
                     const py::object& q_arg, const py::object& ordinal_arg,
                     const py::object& epsilon_arg, const py::object& feature_values,
                     const std::vector<std::string>& features,
                     const py::object& surrogate_values, const py::object& surrogate_means,
                     const std::vector<std::string>& surrogates) {
  constexpr const char* fn = "sampo.mc.test_log";
  const Eigen::VectorXd y = vector_arg(results, fn, "results");
  const Eigen::VectorXd w = vector_arg(weights, fn, "weights", true);
  Eigen::MatrixXd h;
  if (!controls.is_none()) {
    const py::array a = py::module_::import("numpy").attr("asarray")(controls);
    if (!(a.ndim() == 2 && a.shape(1) == 0)) h = MatrixArg(controls, fn, "controls").ref();
  }
  const auto n = y.size();
  if (w.size() != 0 && w.size() != n)
    throw py::value_error(std::string(fn) + ": argument 'weights' has " +
                          std::to_string(w.size()) + " entries for " + std::to_string(n) +
                          " results");
  if (h.size() != 0 && h.rows() != n)
    throw py::value_error(std::string(fn) + ": argument 'controls' has " +
                          std::to_string(h.rows()) + " rows for " + std::to_string(n) +
                          " results");
  // The builder reads a negative weight as "the product over the steps" (1 without steps):
  // from an array, a negative likelihood ratio is an error.
  for (Eigen::Index i = 0; i < w.size(); ++i)
    if (w(i) < 0.0)
      throw py::value_error(std::string(fn) + ": argument 'weights' = " + format_value(w(i)) +
                            " at [" + std::to_string(i) + "]: a likelihood ratio is >= 0");
  mc::TestLogSchema schema;
  schema.features = features;
  schema.surrogates = surrogates;
  if (h.size() != 0) {
    if (control_names.empty()) {
      for (Eigen::Index j = 0; j < h.cols(); ++j) schema.controls.push_back("h" + std::to_string(j));
    } else {
      schema.controls = control_names;
    }
  } else if (!control_names.empty()) {
    throw py::value_error(std::string(fn) + ": argument 'control_names' given without controls");
  }

  // Per-step records: first_step (n + 1 offsets, as to_dict gives them) and the step columns.
  const bool has_steps = !first_step.is_none();
  std::vector<std::int64_t> offsets, ordinal;
  Eigen::VectorXd p, q, eps;
  Eigen::MatrixXd fv, sv, sm;
  std::size_t steps = 0;
  if (has_steps) {
    offsets = int64_arg(first_step, fn, "first_step");
    if (offsets.size() != static_cast<std::size_t>(n) + 1)
      log_error("first_step", "has " + std::to_string(offsets.size()) + " entries for " +
                                  std::to_string(n) + " results: it must have n + 1 (test i owns "
                                  "steps first_step[i] .. first_step[i+1] - 1)");
    if (offsets[0] != 0) log_error("first_step", "= " + std::to_string(offsets[0]) + " at [0]: must start at 0");
    for (std::size_t i = 1; i < offsets.size(); ++i)
      if (offsets[i] < offsets[i - 1])
        log_error("first_step", "= " + std::to_string(offsets[i]) + " at [" + std::to_string(i) +
                                    "]: must not decrease");
    steps = static_cast<std::size_t>(offsets.back());
    const auto column = [&](const py::object& v, const char* name) {
      if (v.is_none()) log_error(name, "is missing: per-step logs need p, q, ordinal and epsilon");
      Eigen::VectorXd c = steps == 0 ? Eigen::VectorXd() : vector_arg(v, fn, name);
      if (static_cast<std::size_t>(c.size()) != steps)
        log_error(name, "has " + std::to_string(c.size()) + " entries for " +
                            std::to_string(steps) + " steps (first_step[-1])");
      return c;
    };
    p = column(p_arg, "p");
    q = column(q_arg, "q");
    eps = column(epsilon_arg, "epsilon");
    if (ordinal_arg.is_none()) log_error("ordinal", "is missing: per-step logs need p, q, ordinal and epsilon");
    ordinal = int64_arg(ordinal_arg, fn, "ordinal");
    if (ordinal.size() != steps)
      log_error("ordinal", "has " + std::to_string(ordinal.size()) + " entries for " +
                               std::to_string(steps) + " steps (first_step[-1])");
    fv = step_table(feature_values, steps, features.size(), "feature_values", "features");
    sv = step_table(surrogate_values, steps, surrogates.size(), "surrogate_values", "surrogates");
    sm = step_table(surrogate_means, steps, surrogates.size(), "surrogate_means", "surrogates");
  } else {
    for (const auto& [v, name] : {std::pair{&p_arg, "p"}, {&q_arg, "q"}, {&ordinal_arg, "ordinal"},
                                  {&epsilon_arg, "epsilon"}, {&feature_values, "feature_values"},
                                  {&surrogate_values, "surrogate_values"},
                                  {&surrogate_means, "surrogate_means"}})
      if (!v->is_none()) log_error(name, "given without first_step (the steps of each test)");
    if (!features.empty() || !surrogates.empty())
      log_error(features.empty() ? "surrogates" : "features", "given without first_step");
  }

  mc::TestLogBuilder b(schema);
  std::vector<double> row(static_cast<std::size_t>(h.cols()));
  std::vector<double> frow(features.size()), vrow(surrogates.size()), mrow(surrogates.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    if (has_steps) {
      for (auto s = static_cast<Eigen::Index>(offsets[static_cast<std::size_t>(i)]);
           s < static_cast<Eigen::Index>(offsets[static_cast<std::size_t>(i) + 1]); ++s) {
        for (std::size_t f = 0; f < frow.size(); ++f) frow[f] = fv(s, static_cast<Eigen::Index>(f));
        for (std::size_t k = 0; k < vrow.size(); ++k) {
          vrow[k] = sv(s, static_cast<Eigen::Index>(k));
          mrow[k] = sm(s, static_cast<Eigen::Index>(k));
        }
        b.step(p(s), q(s), ordinal[static_cast<std::size_t>(s)], eps(s), frow, vrow, mrow);
      }
    }
    for (Eigen::Index j = 0; j < h.cols(); ++j) row[static_cast<std::size_t>(j)] = h(i, j);
    // Without weights: 1 for a per-test log, the product of p/q over the steps otherwise.
    b.end_test(y(i), w.size() != 0 ? w(i) : (has_steps ? -1.0 : 1.0), row);
  }
  return std::move(b).finish();
}

py::dict log_dict(const mc::TestLog& log) {
  const std::size_t n = log.tests(), s = log.steps();
  const auto& schema = log.schema();
  std::vector<double> y(n), w(n), p(s), q(s), eps(s);
  const auto nf = static_cast<py::ssize_t>(schema.features.size());
  const auto nk = static_cast<py::ssize_t>(schema.surrogates.size());
  py::array_t<double> fv({static_cast<py::ssize_t>(s), nf}), sv({static_cast<py::ssize_t>(s), nk}),
      sm({static_cast<py::ssize_t>(s), nk});
  auto fvu = fv.mutable_unchecked<2>();
  auto svu = sv.mutable_unchecked<2>();
  auto smu = sm.mutable_unchecked<2>();
  std::vector<std::int64_t> ordinal(s), first(n + 1);
  py::array_t<double> controls({static_cast<py::ssize_t>(n),
                                static_cast<py::ssize_t>(schema.controls.size())});
  auto hc = controls.mutable_unchecked<2>();
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = log.result(i);
    w[i] = log.weight(i);
    first[i] = static_cast<std::int64_t>(log.first_step(i));
    for (std::size_t c = 0; c < schema.controls.size(); ++c)
      hc(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(c)) = log.control(i, c);
  }
  first[n] = static_cast<std::int64_t>(s);
  for (std::size_t k = 0; k < s; ++k) {
    p[k] = log.p(k);
    q[k] = log.q(k);
    eps[k] = log.epsilon(k);
    ordinal[k] = log.ordinal(k);
    const auto r = static_cast<py::ssize_t>(k);
    for (py::ssize_t f = 0; f < nf; ++f) fvu(r, f) = log.feature(k, static_cast<std::size_t>(f));
    for (py::ssize_t j = 0; j < nk; ++j) {
      svu(r, j) = log.surrogate_value(k, static_cast<std::size_t>(j));
      smu(r, j) = log.surrogate_mean(k, static_cast<std::size_t>(j));
    }
  }
  py::dict d;
  d["results"] = array_of(y);
  d["weights"] = array_of(w);
  d["controls"] = controls;
  d["control_names"] = schema.controls;
  d["first_step"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(n + 1), first.data());
  d["p"] = array_of(p);
  d["q"] = array_of(q);
  d["epsilon"] = array_of(eps);
  d["ordinal"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(s), ordinal.data());
  d["features"] = schema.features;
  d["feature_values"] = fv;
  d["surrogates"] = schema.surrogates;
  d["surrogate_values"] = sv;
  d["surrogate_means"] = sm;
  return d;
}

std::string estimate_repr(const char* name, const mc::Estimate& e) {
  std::string s(name);
  s.append("(estimate=").append(format_value(e.estimate)).append(", standard_error=")
      .append(format_value(e.standard_error)).append(", ci=[").append(format_value(e.ci_lower))
      .append(", ").append(format_value(e.ci_upper)).append("], n=").append(std::to_string(e.n))
      .append(", relative_half_width=").append(format_value(e.relative_half_width)).append(")");
  return s;
}

}  // namespace

void bind_mc(py::module_& m) {
  const mc::EstimatorOptions d;
  const mc::ControlVariateOptions cvd;

  py::class_<mc::PrecisionReport>(m, "PrecisionReport",
                                  "Tests to a target relative half-width, and what the method "
                                  "gains (sampo::mc::PrecisionReport).")
      .def_readonly("rhw_target", &mc::PrecisionReport::rhw_target)
      .def_readonly("tests_to_target", &mc::PrecisionReport::tests_to_target)
      .def_readonly("target_reached", &mc::PrecisionReport::target_reached)
      .def_readonly("tests_needed", &mc::PrecisionReport::tests_needed)
      .def_readonly("vrf_crude", &mc::PrecisionReport::vrf_crude)
      .def_readonly("vrf_is", &mc::PrecisionReport::vrf_is)
      .def("__repr__", [](const mc::PrecisionReport& r) {
        std::string s = "PrecisionReport(rhw_target=";
        s.append(format_value(r.rhw_target)).append(", tests_to_target=")
            .append(std::to_string(r.tests_to_target)).append(", tests_needed=")
            .append(format_value(r.tests_needed)).append(", vrf_crude=")
            .append(format_value(r.vrf_crude)).append(", vrf_is=").append(format_value(r.vrf_is))
            .append(")");
        return s;
      });

  py::class_<mc::Estimate>(m, "Estimate",
                           "An estimate of E_p[Y] and its precision (sampo::mc::Estimate).")
      .def_readonly("estimate", &mc::Estimate::estimate)
      .def_readonly("standard_error", &mc::Estimate::standard_error)
      .def_readonly("ci_lower", &mc::Estimate::ci_lower)
      .def_readonly("ci_upper", &mc::Estimate::ci_upper)
      .def_readonly("confidence", &mc::Estimate::confidence)
      .def_readonly("n", &mc::Estimate::n)
      .def_readonly("relative_half_width", &mc::Estimate::relative_half_width)
      .def_readonly("variance", &mc::Estimate::variance)
      .def_readonly("precision", &mc::Estimate::precision)
      .def_readonly("values", &mc::Estimate::values, "per-test values v_i (keep_values=True)")
      .def_readonly("run", &mc::Estimate::run)
      .def("__repr__", [](const mc::Estimate& e) { return estimate_repr("Estimate", e); });
  py::class_<mc::CrudeResult, mc::Estimate>(m, "CrudeResult")
      .def("__repr__", [](const mc::CrudeResult& e) { return estimate_repr("CrudeResult", e); });
  py::class_<mc::ImportanceSamplingResult, mc::Estimate>(m, "ImportanceSamplingResult")
      .def_readonly("max_weight", &mc::ImportanceSamplingResult::max_weight)
      .def_readonly("effective_sample_size", &mc::ImportanceSamplingResult::effective_sample_size)
      .def("__repr__", [](const mc::ImportanceSamplingResult& e) {
        return estimate_repr("ImportanceSamplingResult", e);
      });
  py::class_<mc::ControlVariateResult, mc::Estimate>(m, "ControlVariateResult")
      .def_readonly("coefficients", &mc::ControlVariateResult::coefficients)
      .def_readonly("fold_coefficients", &mc::ControlVariateResult::fold_coefficients)
      .def_readonly("control_names", &mc::ControlVariateResult::control_names)
      .def_readonly("constant_controls", &mc::ControlVariateResult::constant_controls)
      .def_readonly("rank", &mc::ControlVariateResult::rank)
      .def_readonly("collinear", &mc::ControlVariateResult::collinear)
      .def_readonly("r_squared", &mc::ControlVariateResult::r_squared)
      .def_readonly("is_estimate", &mc::ControlVariateResult::is_estimate)
      .def("__repr__", [](const mc::ControlVariateResult& e) {
        return estimate_repr("ControlVariateResult", e);
      });

  py::class_<mc::Stratum>(m, "Stratum", "One stratum of the stratified sparse control variates.")
      .def_readonly("critical_steps", &mc::Stratum::critical_steps)
      .def_readonly("n", &mc::Stratum::n)
      .def_readonly("estimate", &mc::Stratum::estimate)
      .def_readonly("variance", &mc::Stratum::variance)
      .def_readonly("coefficients", &mc::Stratum::coefficients)
      .def_readonly("control_z", &mc::Stratum::control_z);
  py::class_<mc::SparseControlVariateResult, mc::Estimate>(m, "SparseControlVariateResult")
      .def_readonly("control_names", &mc::SparseControlVariateResult::control_names)
      .def_readonly("coefficients", &mc::SparseControlVariateResult::coefficients)
      .def_readonly("rank", &mc::SparseControlVariateResult::rank)
      .def_readonly("constant_controls", &mc::SparseControlVariateResult::constant_controls)
      .def_readonly("r_squared", &mc::SparseControlVariateResult::r_squared)
      .def_readonly("is_estimate", &mc::SparseControlVariateResult::is_estimate)
      .def_readonly("strata", &mc::SparseControlVariateResult::strata)
      .def_readonly("max_abs_control_z", &mc::SparseControlVariateResult::max_abs_control_z)
      .def_readonly("bias_suspected", &mc::SparseControlVariateResult::bias_suspected)
      .def_readonly("max_weight_mismatch", &mc::SparseControlVariateResult::max_weight_mismatch)
      .def("__repr__", [](const mc::SparseControlVariateResult& e) {
        return estimate_repr("SparseControlVariateResult", e);
      });
  py::class_<mc::MultiSurrogateResult, mc::Estimate>(m, "MultiSurrogateResult")
      .def_readonly("surrogate_names", &mc::MultiSurrogateResult::surrogate_names)
      .def_readonly("weights", &mc::MultiSurrogateResult::weights)
      .def_readonly("fold_weights", &mc::MultiSurrogateResult::fold_weights)
      .def_readonly("single_variance", &mc::MultiSurrogateResult::single_variance)
      .def_readonly("is_estimate", &mc::MultiSurrogateResult::is_estimate)
      .def_readonly("r_squared", &mc::MultiSurrogateResult::r_squared)
      .def_readonly("qp_run", &mc::MultiSurrogateResult::qp_run)
      .def("__repr__", [](const mc::MultiSurrogateResult& e) {
        return estimate_repr("MultiSurrogateResult", e);
      });

  py::class_<mc::TestLog>(m, "TestLog",
                          "A log of simulated tests (sampo::mc::TestLog): build one with "
                          "sampo.mc.test_log or read one with sampo.mc.read_test_log.")
      .def_property_readonly("tests", &mc::TestLog::tests)
      .def_property_readonly("steps", &mc::TestLog::steps)
      .def_property_readonly("naturalistic", &mc::TestLog::naturalistic)
      .def_property_readonly("binary_results", &mc::TestLog::binary_results)
      .def("to_dict", &log_dict,
           "The log as a dict of arrays: results, weights, controls (n, k), control_names, "
           "first_step (n + 1), and per critical step p, q, epsilon, ordinal, feature_values "
           "(steps, len(features)), surrogate_values and surrogate_means (steps, "
           "len(surrogates)); features and surrogates name the columns. "
           "sampo.mc.test_log(**log.to_dict()) rebuilds the same log.")
      .def(py::self == py::self)  // NOLINT(misc-redundant-expression)
      .def(py::pickle([](const mc::TestLog& log) { return log_dict(log); },
                      [](const py::dict& d) {
                        return make_log(d["results"], d["weights"], d["controls"],
                                        d["control_names"].cast<std::vector<std::string>>(),
                                        d["first_step"], d["p"], d["q"], d["ordinal"],
                                        d["epsilon"], d["feature_values"],
                                        d["features"].cast<std::vector<std::string>>(),
                                        d["surrogate_values"], d["surrogate_means"],
                                        d["surrogates"].cast<std::vector<std::string>>());
                      }))
      .def("__len__", &mc::TestLog::tests)
      .def("__repr__", [](const mc::TestLog& log) {
        std::string s = "TestLog(tests=";
        s.append(std::to_string(log.tests())).append(", steps=").append(std::to_string(log.steps()))
            .append(", controls=").append(std::to_string(log.schema().controls.size()))
            .append(", naturalistic=").append(log.naturalistic() ? "True" : "False").append(")");
        return s;
      });

  m.def("test_log", &make_log, py::arg("results"), py::arg("weights") = py::none(),
        py::arg("controls") = py::none(),
        py::arg("control_names") = std::vector<std::string>{}, py::kw_only(),
        py::arg("first_step") = py::none(), py::arg("p") = py::none(),
        py::arg("q") = py::none(), py::arg("ordinal") = py::none(),
        py::arg("epsilon") = py::none(), py::arg("feature_values") = py::none(),
        py::arg("features") = std::vector<std::string>{},
        py::arg("surrogate_values") = py::none(), py::arg("surrogate_means") = py::none(),
        py::arg("surrogates") = std::vector<std::string>{},
        R"(A log of n tests from arrays (sampo::mc::TestLogBuilder).

Per test: results Y (n,), likelihood ratios L (n,; default: 1 without steps, the product of
p/q over the test's steps with them) and controls (n, k) of known mean 0 (names default
h0, h1, ...).
Per critical step (optional, keyword-only; the layout of TestLog.to_dict, so
test_log(**log.to_dict()) rebuilds a log): first_step (n + 1 integers: test i owns steps
first_step[i] .. first_step[i+1] - 1), p, q, epsilon (steps,), ordinal (steps,; integers),
feature_values (steps, len(features)) with the names features, surrogate_values and
surrogate_means (steps, len(surrogates)) with the names surrogates.
Every value is checked as the C++ builder checks it: ValueError naming the argument, the
value, the test and the step.)");
  m.def("read_test_log",
        [](const std::string& path) {
          py::gil_scoped_release release;
          return mc::read_test_log(path);
        },
        py::arg("path"),
        "Reads a log: a CSV file or an NPY directory (docs/mc.md). OSError for an unreadable "
        "file, ValueError for bad content.");
  m.def("write_test_log_csv",
        [](const std::string& path, const mc::TestLog& log) { mc::write_test_log_csv(path, log); },
        py::arg("path"), py::arg("log"), "Writes the log as CSV (atomically).");
  m.def("write_test_log_npy",
        [](const std::string& dir, const mc::TestLog& log) { mc::write_test_log_npy(dir, log); },
        py::arg("directory"), py::arg("log"), "Writes the log as NPY files in a directory.");

#define SAMPO_ESTIMATOR_ARGS                                                             \
  py::kw_only(), py::arg("confidence") = d.confidence, py::arg("rhw_target") = d.rhw_target, \
      py::arg("threads") = d.threads, py::arg("chunk") = d.chunk,                         \
      py::arg("keep_values") = d.keep_values

  m.def("crude",
        [](const mc::TestLog& log, double confidence, double rhw_target, int threads,
           std::size_t chunk, bool keep_values) {
          const auto o = estimator_options<mc::CrudeOptions>(confidence, rhw_target, threads,
                                                              chunk, keep_values);
          py::gil_scoped_release release;
          return mc::crude(log, o);
        },
        py::arg("log"), SAMPO_ESTIMATOR_ARGS,
        "Crude Monte Carlo: the mean of the results of a naturalistic log (every weight 1).");
  m.def("importance_sampling",
        [](const mc::TestLog& log, double confidence, double rhw_target, int threads,
           std::size_t chunk, bool keep_values) {
          const auto o = estimator_options<mc::ImportanceSamplingOptions>(
              confidence, rhw_target, threads, chunk, keep_values);
          py::gil_scoped_release release;
          return mc::importance_sampling(log, o);
        },
        py::arg("log"), SAMPO_ESTIMATOR_ARGS,
        "Importance sampling: the mean of Y_i L_i, with the largest weight and Kish's "
        "effective sample size.");
  const auto cv_options = [](double confidence, double rhw_target, int threads, std::size_t chunk,
                             bool keep_values, int folds, std::uint64_t seed,
                             double rank_tolerance) {
    auto o = estimator_options<mc::ControlVariateOptions>(confidence, rhw_target, threads, chunk,
                                                           keep_values);
    o.folds = folds;
    o.seed = seed;
    o.rank_tolerance = rank_tolerance;
    return o;
  };
  m.def("control_variates",
        [cv_options](const py::object& y_or_log, const py::object& h, int folds,
                     std::uint64_t seed, double rank_tolerance,
                     const std::vector<std::string>& controls, double confidence,
                     double rhw_target, int threads, std::size_t chunk, bool keep_values) {
          auto o = cv_options(confidence, rhw_target, threads, chunk, keep_values, folds, seed,
                              rank_tolerance);
          o.controls = controls;
          if (py::isinstance<mc::TestLog>(y_or_log)) {
            if (!h.is_none())
              throw py::value_error(
                  "sampo.mc.control_variates: argument 'h' is taken from the log; pass "
                  "controls=[names] to choose some");
            const auto& log = y_or_log.cast<const mc::TestLog&>();
            py::gil_scoped_release release;
            return mc::control_variates(log, o);
          }
          const Eigen::VectorXd y = vector_arg(y_or_log, "sampo.mc.control_variates", "y");
          const MatrixArg hm(h, "sampo.mc.control_variates", "h");
          py::gil_scoped_release release;
          return mc::control_variates(y, hm.ref(), o);
        },
        py::arg("y"), py::arg("h") = py::none(), py::kw_only(), py::arg("folds") = cvd.folds,
        py::arg("seed") = cvd.seed, py::arg("rank_tolerance") = cvd.rank_tolerance,
        py::arg("controls") = cvd.controls, py::arg("confidence") = d.confidence,
        py::arg("rhw_target") = d.rhw_target, py::arg("threads") = d.threads,
        py::arg("chunk") = d.chunk, py::arg("keep_values") = d.keep_values,
        "Cross-fitted control variates: from per-test values y (n,) and controls h (n, d) of "
        "mean 0, or from a TestLog (y = Y L, the log's controls, or those named in controls). "
        "folds=1 is the in-sample (biased) regression estimator.");
  const mc::SparseControlVariateOptions sd;
  m.def("sparse_control_variates",
        [](const mc::TestLog& log, const std::string& stratification, int order, int positions,
           bool use_features, bool weighted, int folds, std::uint64_t seed, double rank_tolerance,
           double confidence, double rhw_target, int threads, std::size_t chunk, bool keep_values) {
          auto o = estimator_options<mc::SparseControlVariateOptions>(confidence, rhw_target,
                                                                       threads, chunk, keep_values);
          if (stratification == "none") o.stratification = mc::Stratification::none;
          else if (stratification == "by-critical-count")
            o.stratification = mc::Stratification::by_critical_count;
          else
            throw py::value_error("sampo.mc.sparse_control_variates: argument 'stratification' = " +
                                  stratification + ": is not 'none' or 'by-critical-count'");
          o.order = order;
          o.positions = positions;
          o.use_features = use_features;
          o.weighted = weighted;
          o.folds = folds;
          o.seed = seed;
          o.rank_tolerance = rank_tolerance;
          py::gil_scoped_release release;
          return mc::sparse_control_variates(log, o);
        },
        py::arg("log"), py::kw_only(), py::arg("stratification") = "none",
        py::arg("order") = sd.order, py::arg("positions") = sd.positions,
        py::arg("use_features") = sd.use_features, py::arg("weighted") = sd.weighted,
        py::arg("folds") = sd.folds, py::arg("seed") = sd.seed,
        py::arg("rank_tolerance") = sd.rank_tolerance, py::arg("confidence") = d.confidence,
        py::arg("rhw_target") = d.rhw_target, py::arg("threads") = d.threads,
        py::arg("chunk") = d.chunk, py::arg("keep_values") = d.keep_values,
        "Sparse control variates over the critical steps of a per-step TestLog (docs/mc.md): "
        "stratification='none' is the unbiased cross-fitted form; 'by-critical-count' the "
        "published stratified form, with its bias diagnostic (bias_suspected, strata).");
  const mc::MultiSurrogateOptions md;
  m.def("multi_surrogate",
        [](const mc::TestLog& log, const std::string& weights, int folds, std::uint64_t seed,
           double confidence, double rhw_target, int threads, std::size_t chunk,
           bool keep_values) {
          auto o = estimator_options<mc::MultiSurrogateOptions>(confidence, rhw_target, threads,
                                                                chunk, keep_values);
          if (weights == "simplex") o.weights = mc::SurrogateWeights::simplex;
          else if (weights == "free") o.weights = mc::SurrogateWeights::free;
          else
            throw py::value_error("sampo.mc.multi_surrogate: argument 'weights' = " + weights +
                                  ": is not 'simplex' or 'free'");
          o.folds = folds;
          o.seed = seed;
          py::gil_scoped_release release;
          return mc::multi_surrogate(log, o);
        },
        py::arg("log"), py::kw_only(), py::arg("weights") = std::string("simplex"),
        py::arg("folds") = md.folds, py::arg("seed") = md.seed,
        py::arg("confidence") = d.confidence, py::arg("rhw_target") = d.rhw_target,
        py::arg("threads") = d.threads, py::arg("chunk") = d.chunk,
        py::arg("keep_values") = d.keep_values,
        "Multi-surrogate control variates: cross-fitted weights over the log's surrogates, "
        "on the simplex (weights='simplex') or free (weights='free', a regression) "
        "(docs/mc.md).");
  m.def("defensive_mixture",
        [cv_options](const py::object& fp, const py::object& components, const py::object& alpha,
                     int folds, std::uint64_t seed, double rank_tolerance, double confidence,
                     double rhw_target, int threads, std::size_t chunk, bool keep_values) {
          mc::DefensiveMixtureOptions o;
          static_cast<mc::ControlVariateOptions&>(o) = cv_options(
              confidence, rhw_target, threads, chunk, keep_values, folds, seed, rank_tolerance);
          o.alpha = vector_arg(alpha, "sampo.mc.defensive_mixture", "alpha");
          const Eigen::VectorXd f = vector_arg(fp, "sampo.mc.defensive_mixture", "fp");
          const MatrixArg q(components, "sampo.mc.defensive_mixture", "components");
          py::gil_scoped_release release;
          return static_cast<mc::ControlVariateResult>(mc::defensive_mixture(f, q.ref(), o));
        },
        py::arg("fp"), py::arg("components"), py::arg("alpha"), py::kw_only(),
        py::arg("folds") = cvd.folds, py::arg("seed") = cvd.seed,
        py::arg("rank_tolerance") = cvd.rank_tolerance, py::arg("confidence") = d.confidence,
        py::arg("rhw_target") = d.rhw_target, py::arg("threads") = d.threads,
        py::arg("chunk") = d.chunk, py::arg("keep_values") = d.keep_values,
        "Owen & Zhou's defensive mixture: fp = f(x_i) p(x_i), components (n, J) = q_j(x_i), "
        "alpha the mixture weights; a ControlVariateResult.");
#undef SAMPO_ESTIMATOR_ARGS

  const mc::GaussianLimitStateOptions gd;
  m.def("gaussian_limit_state_log",
        [](double beta, int dim, std::size_t tests, std::uint64_t seed,
           const std::string& sampling, double alpha) {
          mc::GaussianLimitStateOptions o;
          o.beta = beta;
          o.dim = dim;
          o.tests = tests;
          o.seed = seed;
          o.sampling = mc::gaussian_sampling_from_string(sampling);
          o.alpha = alpha;
          return run_interruptible([&](const CancellationFlag* flag) {
            o.cancel = flag;
            return mc::gaussian_limit_state_log(o);
          });
        },
        py::kw_only(), py::arg("beta") = gd.beta, py::arg("dim") = gd.dim,
        py::arg("tests") = gd.tests, py::arg("seed") = gd.seed,
        py::arg("sampling") = std::string(mc::to_string(gd.sampling)),
        py::arg("alpha") = gd.alpha,
        R"(The linear Gaussian limit state (sampo::mc::gaussian_limit_state_log), the benchmark
behind `sampo mc gaussian`: X ~ N(0, I_dim), failure when a'X/|a| >= beta, P = Phi(-beta).
Returns a TestLog of `tests` tests, test i drawn from the Philox stream (seed, 0, i):
sampling='naturalistic' (weights 1: use crude), 'shifted' (mean shift to the design point:
importance_sampling) or 'mixture' (the defensive mixture with weight alpha on N(0, I); the log
has the control 'mixture': control_variates(log)). The same log as
`sampo --seed S mc gaussian ... --log-out F`. GIL released; Ctrl-C raises KeyboardInterrupt.)");
  py::class_<mc::GaussianLimitStateExact>(m, "GaussianLimitStateExact",
                                          "Exact figures of the Gaussian benchmark at beta.")
      .def_readonly("probability", &mc::GaussianLimitStateExact::probability, "P = Phi(-beta)")
      .def_readonly("shifted_second_moment", &mc::GaussianLimitStateExact::shifted_second_moment,
                    "E_q[Y^2 L^2] = exp(beta^2) Phi(-2 beta) under the mean shift")
      .def_readonly("shifted_relative_variance",
                    &mc::GaussianLimitStateExact::shifted_relative_variance,
                    "E_q[Y^2 L^2] / P^2 - 1")
      .def("__repr__", [](const mc::GaussianLimitStateExact& e) {
        std::string s = "GaussianLimitStateExact(probability=";
        s.append(format_value(e.probability)).append(", shifted_second_moment=")
            .append(format_value(e.shifted_second_moment))
            .append(", shifted_relative_variance=")
            .append(format_value(e.shifted_relative_variance)).append(")");
        return s;
      });
  m.def("gaussian_limit_state_exact", &mc::gaussian_limit_state_exact, py::arg("beta"),
        "Exact figures of the Gaussian benchmark at beta (sampo::mc::gaussian_limit_state_exact).");

  m.def("confidence_z", &mc::confidence_z, py::arg("confidence"),
        "z = Phi^-1(1 - (1 - confidence) / 2).");
  m.def("precision_report",
        [](const py::object& values, double rhw_target, double confidence, bool binary,
           double is_variance) {
          return mc::precision_report(vector_arg(values, "sampo.mc.precision_report", "values"),
                                      rhw_target, confidence, binary, is_variance);
        },
        py::arg("values"), py::arg("rhw_target") = d.rhw_target,
        py::arg("confidence") = d.confidence, py::arg("binary") = false,
        py::arg("is_variance") = std::numeric_limits<double>::quiet_NaN(),
        "The precision report of per-test values in run order.");
}

}  // namespace sampo::python
