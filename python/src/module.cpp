// sampo._sampo: the compiled half of the `sampo` Python package. Each module's bindings live
// in their own file (knots.cpp, riemann.cpp) as a submodule (sampo._sampo.knots, ...); the
// Python package (python/sampo/) re-exports them with the scikit-learn estimators.
#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/version.hpp"

PYBIND11_MODULE(_sampo, m) {
  namespace sp = sampo::python;
  namespace py = pybind11;
  m.doc() = "sampo's compiled bindings; import the `sampo` package instead.";
  m.attr("__version__") = sampo::version();
  m.attr("header_version") = SAMPO_VERSION_STRING;
  sp::remember_main_thread();
  sp::register_exceptions(m);
  sp::bind_run(m);
  auto knots = m.def_submodule("knots", "Adaptive knot allocation (sampo::knots).");
  sp::bind_knots(knots);
  auto riemann = m.def_submodule("riemann", "SPD-matrix geometry for EEG (sampo::riemann).");
  sp::bind_riemann(riemann);
  sp::bind_riemann_evaluation(riemann);
  auto learn = m.def_submodule("learn", "Folds, metrics, shrinkage LDA (sampo::learn).");
  sp::bind_learn(learn);
  auto signal = m.def_submodule("signal", "Butterworth filtering and epoching (sampo::signal).");
  sp::bind_signal(signal);
  auto mc = m.def_submodule("mc", "Rare-event estimators over test logs (sampo::mc).");
  sp::bind_mc(mc);
  auto bilevel = m.def_submodule("bilevel", "Bilevel optimization on counted oracles (sampo::bilevel).");
  sp::bind_bilevel(bilevel);
  auto sketch = m.def_submodule("sketch", "Leverage, Lewis weights, sensitivities, ℓp sampling (sampo::sketch).");
  sp::bind_sketch(sketch);
  auto cav = m.def_submodule("cav", "Testing automated vehicles: NDE / NADE tests, exact benchmark (sampo::cav).");
  sp::bind_cav(cav);

  // Test hooks: whether an argument is viewed without a copy (the promise of MatrixArg).
  m.def("_viewed_in_place", [](const py::object& a, bool symmetric) {
    const sp::MatrixArg arg(a, "sampo._viewed_in_place", "a",
                            symmetric ? sp::Layout::symmetric : sp::Layout::general);
    return !arg.copied();
  }, py::arg("a"), py::arg("symmetric") = false);
  // Test hook: throws the C++ exception @p kind with @p message (the translator's test).
  m.def("_throw", [](const std::string& kind, const std::string& message) {
    if (kind == "invalid_argument") throw sampo::invalid_argument(message);
    if (kind == "not_spd_error") throw sampo::not_spd_error(message);
    if (kind == "io_error") throw sampo::io_error(message);
    if (kind == "numerical_error") throw sampo::numerical_error(message);
    throw std::logic_error(message);
  });
}
