// sampo.knots: fit a Python callable (called with the GIL held, serially) or a muParser formula
// (sampo::knots::Expression: GIL released, threads allowed, Ctrl-C cancels) on [a, b]; the
// interpolant is callable on arrays, with derivatives and integrals.
#include <exception>
#include <string>

#include "common.hpp"
#include "sampo/core/error.hpp"
#include "sampo/knots/expression.hpp"
#include "sampo/knots/fit.hpp"

namespace sampo::python {

namespace {

using knots::Expression;
using knots::FitOptions;
using knots::FitResult;
using knots::Interpolant;

// The original Python exception of a callable that raised inside fit (fit nests it in a
// sampo::numerical_error naming x): re-raised as itself, with fit's message as a note, so a
// KeyboardInterrupt stays a KeyboardInterrupt and a user's ValueError keeps its type.
[[noreturn]] void rethrow_python(const sampo::numerical_error& e) {
  try {
    std::rethrow_if_nested(e);
  } catch (py::error_already_set& inner) {
    if (py::hasattr(inner.value(), "add_note"))
      inner.value().attr("add_note")(py::str(e.what()));
    throw;
  } catch (...) {
    // Not a Python exception: report fit's own message.
  }
  throw e;
}

FitResult fit(const py::object& f, double a, double b, double rtol, double atol,
              const std::string& scale, std::size_t min_knots, std::size_t max_knots, int refine,
              double refine_sigma, bool verify, const std::string& strategy, int order,
              int threads) {
  FitOptions o;
  o.rtol = rtol;
  o.atol = atol;
  o.scale = knots::scale_from_string(scale);
  o.min_knots = min_knots;
  o.max_knots = max_knots;
  o.refine = refine;
  o.refine_sigma = refine_sigma;
  o.verify = verify;
  o.strategy = knots::strategy_from_string(strategy);
  o.order = order;
  o.threads = threads;
  // A formula (text or Expression): evaluated in C++, with the GIL released; Ctrl-C cancels.
  if (py::isinstance<py::str>(f) || py::isinstance<Expression>(f)) {
    const Expression e = py::isinstance<py::str>(f) ? Expression(f.cast<std::string>())
                                                    : f.cast<Expression>();
    return run_interruptible([&](const CancellationFlag* flag) {
      o.cancel = flag;
      return knots::fit(e, a, b, o);
    });
  }
  if (!PyCallable_Check(f.ptr())) {
    std::string msg = "sampo.knots.fit: argument 'f' is a ";
    msg.append(py::str(f.get_type().attr("__name__")))
        .append(": pass a callable, a formula (str) or a sampo.knots.Expression");
    throw py::type_error(msg);
  }
  if (threads != 1) {
    std::string msg = "sampo.knots.fit: argument 'threads' = ";
    msg.append(std::to_string(threads))
        .append(": a Python callable is called serially (threads = 1); threads applies to "
                "formulas");
    throw py::value_error(msg);
  }
  const auto g = [&f](double x) {
    const py::object y = f(x);
    const double v = PyFloat_AsDouble(y.ptr());  // a float, an int, anything with __float__
    if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();  // TypeError, as itself
    return v;
  };
  try {
    return knots::fit(g, a, b, o);
  } catch (const sampo::numerical_error& e) {
    rethrow_python(e);
  }
}

// f on a number (a Python float, int or NumPy scalar: a float back, without building the
// vectorized wrapper, ~2 us a call) or elementwise on an array of any shape.
template <class F>
py::object map_elementwise(const py::object& x, const F& f) {
  if (PyFloat_Check(x.ptr()) || PyLong_Check(x.ptr())) {
    const double v = PyFloat_AsDouble(x.ptr());
    if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();  // an int too large
    return py::float_(f(v));
  }
  return py::cpp_function(py::vectorize([&f](double v) { return f(v); }))(x);
}

py::object map_scalar(const py::object& x, double (*op)(const Interpolant&, double),
                      const Interpolant& g) {
  return map_elementwise(x, [&](double v) { return op(g, v); });
}

}  // namespace

void bind_knots(py::module_& m) {
  const FitOptions d;  // the defaults, written once in the C++ struct

  py::class_<Expression>(m, "Expression",
                         "f(x) as a muParser formula in x, parsed once (sampo::knots::"
                         "Expression): 'sin(x)*exp(-x)', 'x^-2.5', 'x < 1 ? x : 2 - x'; "
                         "constants _pi and _e. Callable on a number or an array (any shape), "
                         "evaluated in C++; a formula that does not parse raises ValueError "
                         "naming the position. Safe to share between threads.")
      .def(py::init<std::string>(), py::arg("text"))
      .def(
          "__call__",
          [](const Expression& e, const py::object& x) {
            return map_elementwise(x, [&e](double v) { return e(v); });
          },
          py::arg("x"), "f(x), elementwise")
      .def_property_readonly("text", &Expression::text, "the formula as given")
      .def("__repr__",
           [](const Expression& e) {
             return std::string("Expression(").append(py::repr(py::str(e.text()))).append(")");
           })
      .def(py::pickle([](const Expression& e) { return e.text(); },
                      [](const std::string& text) { return Expression(text); }));

  py::class_<Interpolant>(m, "Interpolant",
                          "g(x) ~ f(x): a piecewise polynomial in t = T(x) (sampo::knots::"
                          "Interpolant). Callable on a number or an array (any shape).")
      .def("__call__",
           [](const Interpolant& g, const py::object& x) {
             return map_scalar(x, [](const Interpolant& s, double v) { return s(v); }, g);
           },
           py::arg("x"), "g(x), elementwise")
      .def("derivative",
           [](const Interpolant& g, const py::object& x) {
             return map_scalar(x, [](const Interpolant& s, double v) { return s.derivative(v); },
                               g);
           },
           py::arg("x"), "g'(x), elementwise")
      .def("second_derivative",
           [](const Interpolant& g, const py::object& x) {
             return map_scalar(
                 x, [](const Interpolant& s, double v) { return s.second_derivative(v); }, g);
           },
           py::arg("x"), "g''(x), elementwise")
      .def("integral", &Interpolant::integral, py::arg("u"), py::arg("v"),
           "The integral of g over [u, v] (negative if u > v).")
      .def_property_readonly("lower", &Interpolant::lower)
      .def_property_readonly("upper", &Interpolant::upper)
      .def_property_readonly("scale",
                             [](const Interpolant& g) { return std::string(to_string(g.scale())); })
      .def("__repr__", [](const Interpolant& g) {
        std::string s = "Interpolant(lower=";
        s.append(format_value(g.lower())).append(", upper=").append(format_value(g.upper()))
            .append(", scale='").append(to_string(g.scale())).append("')");
        return s;
      });

  py::class_<FitResult>(m, "FitResult",
                        "What sampo.knots.fit returns: the interpolant, every evaluation of f, "
                        "the error estimate and the run. Callable like its interpolant.")
      .def_readonly("interpolant", &FitResult::interpolant)
      .def_readonly("x", &FitResult::x, "every evaluation point, sorted (user variable)")
      .def_readonly("t", &FitResult::t, "the evaluation points in the working variable")
      .def_readonly("y", &FitResult::y, "f at x")
      .def_readonly("error_estimate", &FitResult::error_estimate,
                    "posterior estimate of max |f - g| / (|f| + atol), comparable to rtol")
      .def_readonly("discontinuity_at", &FitResult::discontinuity_at)
      .def_readonly("run", &FitResult::run)
      .def("brief_report", &FitResult::brief_report)
      .def("__call__",
           [](const FitResult& r, const py::object& x) {
             return map_scalar(x, [](const Interpolant& s, double v) { return s(v); },
                               r.interpolant);
           },
           py::arg("x"))
      .def("derivative",
           [](const FitResult& r, const py::object& x) {
             return map_scalar(x, [](const Interpolant& s, double v) { return s.derivative(v); },
                               r.interpolant);
           },
           py::arg("x"))
      .def("integral",
           [](const FitResult& r, double u, double v) { return r.interpolant.integral(u, v); },
           py::arg("u"), py::arg("v"))
      .def("__repr__", [](const FitResult& r) {
        std::string s = "FitResult(knots=";
        s.append(std::to_string(r.x.size())).append(", error_estimate=")
            .append(format_value(r.error_estimate)).append(", run=")
            .append(py::repr(py::cast(r.run))).append(")");
        return s;
      });

  m.def("fit", &fit, py::arg("f"), py::arg("a"), py::arg("b"), py::kw_only(),
        py::arg("rtol") = d.rtol, py::arg("atol") = d.atol,
        py::arg("scale") = std::string(to_string(d.scale)), py::arg("min_knots") = d.min_knots,
        py::arg("max_knots") = d.max_knots, py::arg("refine") = d.refine,
        py::arg("refine_sigma") = d.refine_sigma, py::arg("verify") = d.verify,
        py::arg("strategy") = std::string(to_string(d.strategy)), py::arg("order") = d.order,
        py::arg("threads") = d.threads,
        R"(Tabulates f on [a, b] adaptively until the interpolant meets rtol / atol
(sampo::knots::fit).

f is either a Python callable, called with one float at a time, serially, with the GIL held
(threads must be 1), which must return a float (an exception from f, KeyboardInterrupt
included, propagates as itself); or a formula in x, as a str in muParser syntax
('sin(x)*exp(-x)') or a sampo.knots.Expression, evaluated in C++ with the GIL released, on
`threads` threads (0: all; the knots do not depend on it), and cancelled by Ctrl-C
(KeyboardInterrupt). A formula that does not parse raises ValueError naming the position.

Accepted: |f - g| <= rtol (|f| + atol); atol is an absolute scale (absolute tolerance
rtol * atol). scale: 'linear', 'log' or 'asinh'; strategy: 'high_order' or 'autoknots'.
Running out of max_knots or a suspected discontinuity is reported in result.run.termination,
not raised. See docs/knots.md.)");
}

}  // namespace sampo::python
