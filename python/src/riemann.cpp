// sampo.riemann's compiled half: covariance estimators, augmented covariance, distances,
// geodesics, means, tangent space and the MDM classifier (sampo::riemann). Stacks of matrices
// are (n, C, C) float64 arrays (or lists of 2-D arrays); single matrices are viewed without a
// copy when Fortran-ordered, or C-ordered and symmetric (SPD inputs). Calls over a stack
// release the GIL; the Riemannian mean stops on Ctrl-C.
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/riemann/covariance.hpp"
#include "sampo/riemann/distance.hpp"
#include "sampo/riemann/geodesic.hpp"
#include "sampo/riemann/fgmdm.hpp"
#include "sampo/riemann/mdm.hpp"
#include "sampo/riemann/mean.hpp"
#include "sampo/riemann/metric.hpp"
#include "sampo/riemann/tangent_space.hpp"

namespace sampo::python {

namespace {

namespace rm = sampo::riemann;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr Layout kSym = Layout::symmetric;
constexpr Layout kGen = Layout::general;

rm::CovarianceOptions covariance_options(const std::string& estimator, double regularization,
                                         bool require_spd) {
  rm::CovarianceOptions o;
  o.estimator = rm::estimator_from_string(estimator);
  o.regularization = regularization;
  o.require_spd = require_spd;
  return o;
}

rm::MeanOptions mean_options(double tolerance, std::size_t max_iterations,
                             const py::object& init, const std::string& step_rule,
                             std::size_t stall_passes = 0) {
  rm::MeanOptions o;
  o.tolerance = tolerance;
  o.max_iterations = max_iterations;
  o.stall_passes = stall_passes;
  o.step_rule = rm::mean_step_rule_from_string(step_rule);
  if (!init.is_none()) o.init = MatrixArg(init, "sampo.riemann.mean", "init", kSym).ref();
  return o;
}

// The shared keyword defaults, taken from the C++ structs (written once there).
const rm::CovarianceOptions kCov{};
const rm::MeanOptions kMean{};

std::string estimator_default() { return std::string(rm::to_string(kCov.estimator)); }
std::string step_rule_default() { return std::string(rm::to_string(kMean.step_rule)); }

rm::MeanResult run_mean(const std::vector<MatrixXd>& xs, rm::Metric metric, rm::MeanOptions o,
                        const VectorXd& w) {
  return run_interruptible([&](const CancellationFlag* flag) {
    o.cancel = flag;
    return rm::mean(xs, metric, o, w);
  });
}

}  // namespace

/// fit with Ctrl-C for the classes built from MeanOptions (Fgda, FgMdm): the means run with
/// the GIL released on a fresh object whose options carry this call's cancellation flag; a
/// Ctrl-C raises KeyboardInterrupt and keeps the previous fit. (The flag ends with the call;
/// every later fit through here replaces the pointer before the means run.)
template <class C>
void fit_interruptible(C& self, const std::vector<MatrixXd>& covs, const std::vector<int>& labels) {
  rm::MeanOptions o = self.mean_options();
  self = run_interruptible([&](const CancellationFlag* flag) {
    o.cancel = flag;
    C fitted(o);
    fitted.fit(covs, labels);
    return fitted;
  });
}

/// fit / transform / predict / predict_proba / classes of the minimum-distance classifiers
/// (Mdm, FgMdm): the same methods, the same conversions.
/// (Mdm binds its own fit, with Ctrl-C.)
template <class C>
void bind_mdm_methods(py::class_<C>& cls, const std::string& name) {
  const std::string prefix = "sampo.riemann." + name + ".";
  if constexpr (!std::is_same_v<C, rm::Mdm>)
    cls.def(
        "fit",
        [prefix](C& self, const py::object& covs, const py::object& labels) {
          const auto ms = matrices_arg(covs, (prefix + "fit").c_str(), "covs");
          const auto ls = labels_arg(labels, (prefix + "fit").c_str(), "labels");
          fit_interruptible(self, ms, ls);
        },
        py::arg("covs"), py::arg("labels"),
        "Fits. GIL released; Ctrl-C raises KeyboardInterrupt (the previous fit is kept).");
  cls.def(
          "transform",
          [prefix](const C& self, const py::object& covs) {
            const auto ms = matrices_arg(covs, (prefix + "transform").c_str(), "covs");
            py::gil_scoped_release release;
            return self.transform(ms);
          },
          py::arg("covs"), "(n, K) distances to the class means")
      .def(
          "predict",
          [prefix](const C& self, const py::object& covs) {
            const auto ms = matrices_arg(covs, (prefix + "predict").c_str(), "covs");
            std::vector<int> out;
            {
              py::gil_scoped_release release;
              out = self.predict(ms);
            }
            return py::array_t<int>(static_cast<py::ssize_t>(out.size()), out.data());
          },
          py::arg("covs"))
      .def(
          "predict_proba",
          [prefix](const C& self, const py::object& covs) {
            const auto ms = matrices_arg(covs, (prefix + "predict_proba").c_str(), "covs");
            py::gil_scoped_release release;
            return self.predict_proba(ms);
          },
          py::arg("covs"))
      .def_property_readonly("classes", [](const C& self) {
        const auto& c = self.classes();
        return py::array_t<int>(static_cast<py::ssize_t>(c.size()), c.data());
      });
}

void bind_riemann(py::module_& m) {
  // The C++ defaults, for the Python estimators' signatures (written once, in the structs).
  m.attr("_defaults") = py::dict(
      py::arg("estimator") = estimator_default(), py::arg("regularization") = kCov.regularization,
      py::arg("tolerance") = kMean.tolerance, py::arg("max_iterations") = kMean.max_iterations,
      py::arg("step_rule") = step_rule_default());
  // ---- covariance -------------------------------------------------------------------------
  m.def("sample_covariance",
        [](const py::object& x) {
          return rm::sample_covariance(MatrixArg(x, "sampo.riemann.sample_covariance", "x").ref());
        },
        py::arg("x"), "numpy.cov of the rows of x (C x T): centred, divided by T - 1. No SPD check.");
  m.def("ledoit_wolf",
        [](const py::object& x) {
          auto s = rm::ledoit_wolf(MatrixArg(x, "sampo.riemann.ledoit_wolf", "x").ref());
          return py::make_tuple(std::move(s.covariance), s.shrinkage);
        },
        py::arg("x"),
        "scikit-learn's ledoit_wolf(x.T) for a C x T trial: (covariance, shrinkage).");
  m.def("oas",
        [](const py::object& x) {
          auto s = rm::oas(MatrixArg(x, "sampo.riemann.oas", "x").ref());
          return py::make_tuple(std::move(s.covariance), s.shrinkage);
        },
        py::arg("x"), "scikit-learn's oas(x.T) for a C x T trial: (covariance, shrinkage).");
  m.def("regularized_covariance",
        [](const py::object& x, double lam) {
          return rm::regularized_covariance(
              MatrixArg(x, "sampo.riemann.regularized_covariance", "x").ref(), lam);
        },
        py::arg("x"), py::arg("regularization"), "numpy.cov(x) + regularization * I.");
  m.def("covariance",
        [](const py::object& x, const std::string& estimator, double regularization,
           bool require_spd) {
          const auto o = covariance_options(estimator, regularization, require_spd);
          return rm::covariance(MatrixArg(x, "sampo.riemann.covariance", "x").ref(), o);
        },
        py::arg("x"), py::kw_only(), py::arg("estimator") = estimator_default(),
        py::arg("regularization") = kCov.regularization,
        py::arg("require_spd") = kCov.require_spd,
        "The covariance of one C x T trial. estimator: 'sample' ('cov'), 'ledoit_wolf' "
        "('lwf'), 'oas', 'regularized'. Raises NotSPDError (a ValueError) for an estimate "
        "that is not SPD when require_spd.");
  m.def("covariances",
        [](const py::object& trials, const std::string& estimator, double regularization,
           bool require_spd) {
          const auto o = covariance_options(estimator, regularization, require_spd);
          const auto xs = matrices_arg(trials, "sampo.riemann.covariances", "trials");
          std::vector<MatrixXd> out;
          {
            py::gil_scoped_release release;
            out = rm::covariances(xs, o);
          }
          return to_array(out);
        },
        py::arg("trials"), py::kw_only(), py::arg("estimator") = estimator_default(),
        py::arg("regularization") = kCov.regularization,
        py::arg("require_spd") = kCov.require_spd,
        "covariance() of every trial ((n, C, T) array or a list of C x T arrays): (n, C, C). "
        "Bit-identical for any thread count.");
  m.def("augment",
        [](const py::object& x, int order, int lag) {
          return rm::augment(MatrixArg(x, "sampo.riemann.augment", "x").ref(), order, lag);
        },
        py::arg("x"), py::arg("order"), py::arg("lag"),
        "MOABB's delay embedding of a C x T trial: (order C) x (T - order lag).");
  m.def("augmented_covariance",
        [](const py::object& x, int order, int lag, const std::string& estimator,
           double regularization, bool require_spd) {
          const auto o = covariance_options(estimator, regularization, require_spd);
          return rm::augmented_covariance(
              MatrixArg(x, "sampo.riemann.augmented_covariance", "x").ref(), order, lag, o);
        },
        py::arg("x"), py::arg("order"), py::arg("lag"), py::kw_only(),
        py::arg("estimator") = estimator_default(),
        py::arg("regularization") = kCov.regularization,
        py::arg("require_spd") = kCov.require_spd,
        "covariance(augment(x, order, lag)): the augmented covariance matrix (ACM).");
  m.def("augmented_covariances",
        [](const py::object& trials, int order, int lag, const std::string& estimator,
           double regularization, bool require_spd) {
          const auto o = covariance_options(estimator, regularization, require_spd);
          const auto xs = matrices_arg(trials, "sampo.riemann.augmented_covariances", "trials");
          std::vector<MatrixXd> out;
          {
            py::gil_scoped_release release;
            out = rm::augmented_covariances(xs, order, lag, o);
          }
          return to_array(out);
        },
        py::arg("trials"), py::arg("order"), py::arg("lag"), py::kw_only(),
        py::arg("estimator") = estimator_default(),
        py::arg("regularization") = kCov.regularization,
        py::arg("require_spd") = kCov.require_spd,
        "augmented_covariance() of every trial: (n, order C, order C).");

  // ---- distances and geodesics --------------------------------------------------------------
  const auto metric_of = [](const std::string& name) { return rm::metric_from_string(name); };
  m.def("distance",
        [metric_of](const py::object& a, const py::object& b, const std::string& metric) {
          const MatrixArg A(a, "sampo.riemann.distance", "a", kSym);
          const MatrixArg B(b, "sampo.riemann.distance", "b", kSym);
          return rm::distance(A.ref(), B.ref(), metric_of(metric));
        },
        py::arg("a"), py::arg("b"), py::arg("metric") = "riemann",
        "The distance between SPD matrices a and b; metric: 'riemann' (affine-invariant, "
        "pyRiemann's), 'logeuclid' or 'euclid'.");
  m.def("distance_riemann",
        [](const py::object& a, const py::object& b) {
          return rm::distance_riemann(MatrixArg(a, "sampo.riemann.distance_riemann", "a", kSym).ref(),
                                      MatrixArg(b, "sampo.riemann.distance_riemann", "b", kSym).ref());
        },
        py::arg("a"), py::arg("b"), "||log(b^{-1/2} a b^{-1/2})||_F.");
  m.def("distance_logeuclid",
        [](const py::object& a, const py::object& b) {
          return rm::distance_logeuclid(
              MatrixArg(a, "sampo.riemann.distance_logeuclid", "a", kSym).ref(),
              MatrixArg(b, "sampo.riemann.distance_logeuclid", "b", kSym).ref());
        },
        py::arg("a"), py::arg("b"), "||log a - log b||_F.");
  m.def("distance_euclid",
        [](const py::object& a, const py::object& b) {
          return rm::distance_euclid(MatrixArg(a, "sampo.riemann.distance_euclid", "a").ref(),
                                     MatrixArg(b, "sampo.riemann.distance_euclid", "b").ref());
        },
        py::arg("a"), py::arg("b"), "||a - b||_F.");
  m.def("distances",
        [metric_of](const py::object& xs, const py::object& b,
                    const std::string& metric) -> py::object {
          const auto ms = matrices_arg(xs, "sampo.riemann.distances", "xs");
          const auto mt = metric_of(metric);
          if (py::isinstance<py::array>(b) && b.cast<py::array>().ndim() == 3) {
            const auto refs = matrices_arg(b, "sampo.riemann.distances", "b");
            Eigen::MatrixXd table;
            {
              py::gil_scoped_release release;
              table = rm::distances(ms, refs, mt);
            }
            return py::cast(table);
          }
          const MatrixArg B(b, "sampo.riemann.distances", "b", kSym);
          Eigen::VectorXd d;
          {
            py::gil_scoped_release release;
            d = rm::distances(ms, B.ref(), mt);
          }
          return py::cast(d);
        },
        py::arg("xs"), py::arg("b"), py::arg("metric") = "riemann",
        "distance(xs[i], b) for every matrix of the stack xs: a vector of length n; if b is a "
        "stack of K matrices (a 3-D array), the n x K table d[i, k] = distance(xs[i], b[k]), "
        "each xs[i] checked once.");
  m.def("geodesic",
        [metric_of](const py::object& a, const py::object& b, double t,
                    const std::string& metric) {
          return rm::geodesic(MatrixArg(a, "sampo.riemann.geodesic", "a", kSym).ref(),
                              MatrixArg(b, "sampo.riemann.geodesic", "b", kSym).ref(), t,
                              metric_of(metric));
        },
        py::arg("a"), py::arg("b"), py::arg("t"), py::arg("metric") = "riemann",
        "The point at position t of the geodesic from a (t = 0) to b (t = 1).");

  // ---- means ------------------------------------------------------------------------------
  py::class_<rm::MeanResult>(m, "MeanResult", "A mean of SPD matrices and how it was obtained.")
      .def_readonly("mean", &rm::MeanResult::mean)
      .def_readonly("run", &rm::MeanResult::run)
      .def_readonly("gradient_norm", &rm::MeanResult::gradient_norm,
                    "||J||_F of the last pass (0 for closed-form means)")
      .def("__repr__", [](const rm::MeanResult& r) {
        std::string s = "MeanResult(shape=(";
        s.append(std::to_string(r.mean.rows())).append(", ").append(std::to_string(r.mean.cols()))
            .append("), gradient_norm=").append(format_value(r.gradient_norm)).append(", run=")
            .append(py::repr(py::cast(r.run))).append(")");
        return s;
      });
  m.def("mean",
        [metric_of](const py::object& xs, const std::string& metric, const py::object& weights,
                    double tolerance, std::size_t max_iterations, const py::object& init,
                    const std::string& step_rule, std::size_t stall_passes) {
          const auto ms = matrices_arg(xs, "sampo.riemann.mean", "xs");
          const VectorXd w = vector_arg(weights, "sampo.riemann.mean", "weights", true);
          return run_mean(ms, metric_of(metric),
                          mean_options(tolerance, max_iterations, init, step_rule, stall_passes),
                          w);
        },
        py::arg("xs"), py::arg("metric") = "riemann", py::kw_only(),
        py::arg("weights") = py::none(), py::arg("tolerance") = kMean.tolerance,
        py::arg("max_iterations") = kMean.max_iterations, py::arg("init") = py::none(),
        py::arg("step_rule") = step_rule_default(),
        py::arg("stall_passes") = kMean.stall_passes,
        "The mean of a stack of SPD matrices: a MeanResult (mean, run, gradient_norm). "
        "metric 'riemann' iterates from init (default the weighted Euclidean mean) until "
        "||J||_F <= tolerance; step_rule 'secant' (Barzilai-Borwein, fewer passes) or "
        "'pyriemann' (pyRiemann v0.7's mean_riemann step for step); stall_passes > 0 stops "
        "(numerical_failure) once ||J||_F has not halved for that many passes, the rounding "
        "floor of ill-conditioned matrices (0: never); 'logeuclid' and "
        "'euclid' are closed forms. Ctrl-C stops the iteration and raises KeyboardInterrupt. "
        "Bit-identical for any thread count.");
  m.def("mean_riemann",
        [](const py::object& xs, const py::object& weights, double tolerance,
           std::size_t max_iterations, const py::object& init, const std::string& step_rule,
           std::size_t stall_passes) {
          const auto ms = matrices_arg(xs, "sampo.riemann.mean_riemann", "xs");
          const VectorXd w = vector_arg(weights, "sampo.riemann.mean_riemann", "weights", true);
          return run_mean(ms, rm::Metric::riemann,
                          mean_options(tolerance, max_iterations, init, step_rule, stall_passes),
                          w);
        },
        py::arg("xs"), py::kw_only(), py::arg("weights") = py::none(),
        py::arg("tolerance") = kMean.tolerance, py::arg("max_iterations") = kMean.max_iterations,
        py::arg("init") = py::none(), py::arg("step_rule") = step_rule_default(),
        py::arg("stall_passes") = kMean.stall_passes,
        "mean(xs, 'riemann', ...): a MeanResult.");
  m.def("mean_logeuclid",
        [](const py::object& xs, const py::object& weights) {
          const auto ms = matrices_arg(xs, "sampo.riemann.mean_logeuclid", "xs");
          const VectorXd w = vector_arg(weights, "sampo.riemann.mean_logeuclid", "weights", true);
          py::gil_scoped_release release;
          return rm::mean_logeuclid(ms, w);
        },
        py::arg("xs"), py::kw_only(), py::arg("weights") = py::none(),
        "exp(sum_i w_i log X_i): the log-Euclidean mean (a matrix).");
  m.def("mean_euclid",
        [](const py::object& xs, const py::object& weights) {
          const auto ms = matrices_arg(xs, "sampo.riemann.mean_euclid", "xs");
          const VectorXd w = vector_arg(weights, "sampo.riemann.mean_euclid", "weights", true);
          return rm::mean_euclid(ms, w);
        },
        py::arg("xs"), py::kw_only(), py::arg("weights") = py::none(),
        "sum_i w_i X_i: the Euclidean mean (a matrix).");

  // ---- tangent space ----------------------------------------------------------------------
  m.def("upper",
        [](const py::object& s) { return rm::upper(MatrixArg(s, "sampo.riemann.upper", "s", kSym).ref()); },
        py::arg("s"),
        "The upper triangle of symmetric s row by row, off-diagonal entries times sqrt(2).");
  m.def("unupper",
        [](const py::object& v) { return rm::unupper(vector_arg(v, "sampo.riemann.unupper", "v")); },
        py::arg("v"), "The inverse of upper.");
  m.def("log_map",
        [](const py::object& x, const py::object& c) {
          return rm::log_map(MatrixArg(x, "sampo.riemann.log_map", "x", kSym).ref(),
                             MatrixArg(c, "sampo.riemann.log_map", "reference", kSym).ref());
        },
        py::arg("x"), py::arg("reference"), "log(C^{-1/2} X C^{-1/2}).");
  m.def("exp_map",
        [](const py::object& s, const py::object& c) {
          return rm::exp_map(MatrixArg(s, "sampo.riemann.exp_map", "s", kSym).ref(),
                             MatrixArg(c, "sampo.riemann.exp_map", "reference", kSym).ref());
        },
        py::arg("s"), py::arg("reference"), "C^{1/2} exp(S) C^{1/2}.");
  m.def("tangent_vector",
        [](const py::object& x, const py::object& c) {
          return rm::tangent_vector(MatrixArg(x, "sampo.riemann.tangent_vector", "x", kSym).ref(),
                                    MatrixArg(c, "sampo.riemann.tangent_vector", "reference", kSym).ref());
        },
        py::arg("x"), py::arg("reference"), "upper(log_map(x, reference)).");
  m.def("tangent_space",
        [](const py::object& xs, const py::object& c) {
          const auto ms = matrices_arg(xs, "sampo.riemann.tangent_space", "xs");
          const MatrixArg C(c, "sampo.riemann.tangent_space", "reference", kSym);
          py::gil_scoped_release release;
          return rm::tangent_space(ms, C.ref());
        },
        py::arg("xs"), py::arg("reference"),
        "The tangent vectors of a stack at the reference, as rows: (n, C (C + 1) / 2).");
  m.def("untangent_space",
        [](const py::object& v, const py::object& c) {
          const MatrixArg V(v, "sampo.riemann.untangent_space", "vectors");
          const MatrixArg C(c, "sampo.riemann.untangent_space", "reference", kSym);
          std::vector<MatrixXd> out;
          {
            py::gil_scoped_release release;
            out = rm::untangent_space(V.ref(), C.ref());
          }
          return to_array(out);
        },
        py::arg("vectors"), py::arg("reference"), "The inverse of tangent_space: (n, C, C).");

  // ---- MDM --------------------------------------------------------------------------------
  m.def("softmax_neg_squared",
        [](const py::object& d) {
          return rm::softmax_neg_squared(MatrixArg(d, "sampo.riemann.softmax_neg_squared", "d").ref());
        },
        py::arg("d"), "softmax(-d^2) of each row of a distance matrix.");
  py::class_<rm::Mdm> mdm(m, "Mdm",
                      "Minimum distance to mean (sampo::riemann::Mdm) on integer labels; "
                      "sampo.riemann.MDM is the scikit-learn estimator around it.");
  mdm.def(py::init([metric_of](const std::string& metric, double tolerance,
                                std::size_t max_iterations, const std::string& step_rule) {
             rm::MdmOptions o;
             o.metric = metric_of(metric);
             o.mean = mean_options(tolerance, max_iterations, py::none(), step_rule);
             return rm::Mdm(o);
           }),
           py::arg("metric") = "riemann", py::kw_only(), py::arg("tolerance") = kMean.tolerance,
           py::arg("max_iterations") = kMean.max_iterations,
           py::arg("step_rule") = step_rule_default());
  bind_mdm_methods(mdm, "Mdm");
  // fit with Ctrl-C: the class means run with the GIL released under a cancellation
  // flag (MeanOptions::cancel); a Ctrl-C raises KeyboardInterrupt and keeps the previous fit.
  // The fit runs on a fresh Mdm whose options point at this call's flag; the flag ends with
  // the call, and every later fit through here replaces the pointer before the means run.
  mdm.def(
      "fit",
      [](rm::Mdm& self, const py::object& covs, const py::object& labels) {
        const auto ms = matrices_arg(covs, "sampo.riemann.Mdm.fit", "covs");
        const auto ls = labels_arg(labels, "sampo.riemann.Mdm.fit", "labels");
        rm::MdmOptions o = self.options();
        self = run_interruptible([&](const CancellationFlag* flag) {
          o.mean.cancel = flag;
          rm::Mdm fitted(o);
          fitted.fit(ms, ls);
          return fitted;
        });
      },
      py::arg("covs"), py::arg("labels"),
      "One mean per class. GIL released; Ctrl-C raises KeyboardInterrupt (the previous fit is "
      "kept).");
  mdm.def_property_readonly("means", [](const rm::Mdm& self) { return to_array(self.means()); })
      .def_property_readonly("mean_runs", [](const rm::Mdm& self) { return self.mean_runs(); });

  // ---- FgMDM --------------------------------------------------------------------------------
  py::class_<rm::Fgda>(m, "Fgda",
                       "Fisher geodesic discriminant filtering (sampo::riemann::Fgda): tangent "
                       "space at the Riemannian mean, shrinkage-LDA projection, back to SPD.")
      .def(py::init([](double tolerance, std::size_t max_iterations,
                       const std::string& step_rule) {
             return rm::Fgda(mean_options(tolerance, max_iterations, py::none(), step_rule));
           }),
           py::kw_only(), py::arg("tolerance") = kMean.tolerance,
           py::arg("max_iterations") = kMean.max_iterations,
           py::arg("step_rule") = step_rule_default())
      .def("fit",
           [](rm::Fgda& self, const py::object& covs, const py::object& labels) {
             const auto ms = matrices_arg(covs, "sampo.riemann.Fgda.fit", "covs");
             const auto ls = labels_arg(labels, "sampo.riemann.Fgda.fit", "labels");
             fit_interruptible(self, ms, ls);
           },
           py::arg("covs"), py::arg("labels"),
           "Fits the reference and the projection. GIL released; Ctrl-C raises "
           "KeyboardInterrupt (the previous fit is kept).")
      .def("transform",
           [](const rm::Fgda& self, const py::object& covs) {
             const auto ms = matrices_arg(covs, "sampo.riemann.Fgda.transform", "covs");
             std::vector<MatrixXd> out;
             {
               py::gil_scoped_release release;
               out = self.transform(ms);
             }
             return to_array(out);
           },
           py::arg("covs"), "The filtered matrices (n, C, C).")
      .def_property_readonly("reference", [](const rm::Fgda& self) { return self.reference(); })
      .def_property_readonly("projection", [](const rm::Fgda& self) { return self.projection(); });
  py::class_<rm::FgMdm> fgmdm(m, "FgMdm",
                        "FgMDM (sampo::riemann::FgMdm): Fgda filtering, then MDM on integer "
                        "labels; sampo.riemann.FgMDM is the scikit-learn estimator around it.");
  fgmdm.def(py::init([](double tolerance, std::size_t max_iterations,
                         const std::string& step_rule) {
             return rm::FgMdm(mean_options(tolerance, max_iterations, py::none(), step_rule));
           }),
           py::kw_only(), py::arg("tolerance") = kMean.tolerance,
           py::arg("max_iterations") = kMean.max_iterations,
           py::arg("step_rule") = step_rule_default());
  bind_mdm_methods(fgmdm, "FgMdm");
}

}  // namespace sampo::python
