// sampo.bilevel: bilevel problems on counted oracles (sampo::bilevel). A Python class derives
// from sampo.bilevel.Problem and writes its oracles in NumPy (the trampoline below calls them
// with the GIL held and checks what they return); the built-in problems, every solver with its
// Options as keywords, the oracle checker, the lower-level solve and the implicit
// hypergradient. Solvers run with the GIL released and stop on Ctrl-C (CancellationFlag).
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "common.hpp"
#include "sampo/bilevel/benchmarks.hpp"
#include "sampo/bilevel/check.hpp"
#include "sampo/bilevel/hyperclean.hpp"
#include "sampo/bilevel/problem.hpp"
#include "sampo/bilevel/problems.hpp"
#include "sampo/bilevel/solvers.hpp"
#include "sampo/core/error.hpp"

namespace sampo::python {

namespace {

namespace bl = sampo::bilevel;
using Vec = Eigen::VectorXd;

// ---- NumPy <-> Eigen for the oracles -------------------------------------------------------

// A vector as a new NumPy array (the oracles' arguments: a copy, so that a Python oracle may
// keep it without seeing it change under the solver).
py::array_t<double> numpy_copy(const Vec& v) {
  return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
}

// A batch as None (full sums) or an int64 array of sample indices.
py::object numpy_batch(bl::Batch batch) {
  if (batch.empty()) return py::none();
  static_assert(sizeof(Eigen::Index) == sizeof(std::int64_t));
  return py::array_t<std::int64_t>(static_cast<py::ssize_t>(batch.size()),
                                   reinterpret_cast<const std::int64_t*>(batch.data()));
}

// What a Python oracle returned, as a vector of @p size entries into @p out. A float64 array
// (or a list NumPy converts) of shape (size,); a wrong dtype is a TypeError, a wrong shape a
// ValueError, both naming the oracle. Non-finite entries pass: bilevel::Oracles reports them
// (the run ends with numerical_failure and says which oracle and iteration).
void returned_vector(const py::object& r, const std::string& where, Eigen::Index size,
                     const char* dim, Vec& out) {
  py::array a;
  if (py::isinstance<py::array>(r)) {
    a = py::reinterpret_borrow<py::array>(r);
    if (!py::array_t<double>::check_(a)) {
      std::string msg = where;
      msg.append(" returned an array of dtype ")
          .append(py::str(a.dtype()).cast<std::string>())
          .append(": sampo computes in float64; return numpy.asarray(..., dtype=numpy.float64)");
      throw py::type_error(msg);
    }
  } else {
    try {
      a = py::module_::import("numpy").attr("asarray")(r, "float64");
    } catch (py::error_already_set& e) {
      std::string msg = where;
      msg.append(" returned ")
          .append(py::str(r.get_type().attr("__name__")).cast<std::string>())
          .append(", not an array of numbers: ")
          .append(e.what());
      throw py::type_error(msg);
    }
  }
  if (a.ndim() != 1 || a.shape(0) != size) {
    std::string msg = where;
    msg.append(" returned an array of shape ")
        .append(shape_string(a))
        .append("; expected (")
        .append(std::to_string(size))
        .append(",) (")
        .append(dim)
        .append(")");
    throw py::value_error(msg);
  }
  const auto u = a.unchecked<double, 1>();
  out.resize(size);
  for (Eigen::Index i = 0; i < size; ++i) out(i) = u(i);
}

double returned_scalar(const py::object& r, const std::string& where) {
  const double v = PyFloat_AsDouble(r.ptr());  // a float, an int, a 0-d array, ...
  if (v == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    std::string msg = where;
    msg.append(" returned ")
        .append(py::str(r.get_type().attr("__name__")).cast<std::string>())
        .append("; expected a number");
    throw py::type_error(msg);
  }
  return v;
}

// ---- The trampoline: a Problem whose oracles are a Python subclass's methods ---------------

// Every member takes the GIL (the solvers run with it released), finds the Python override,
// calls it with NumPy copies of its arguments, and checks the answer. A Python exception
// raised by a method propagates out of the solver as itself (error_already_set): the solvers
// catch only bilevel::non_finite_oracle.
class PyProblem : public bl::Problem {
 public:
  using bl::Problem::Problem;

  std::string name() const override {
    py::gil_scoped_acquire gil;
    if (const py::function o = override_of("name")) return py::str(o()).cast<std::string>();
    return py::str(self().get_type().attr("__name__")).cast<std::string>();
  }
  Eigen::Index dim_x() const override { return dimension("dim_x"); }
  Eigen::Index dim_y() const override { return dimension("dim_y"); }
  Eigen::Index outer_samples() const override {
    py::gil_scoped_acquire gil;
    if (const py::function o = override_of("outer_samples")) return count(o(), "outer_samples");
    return bl::Problem::outer_samples();
  }
  Eigen::Index inner_samples() const override {
    py::gil_scoped_acquire gil;
    if (const py::function o = override_of("inner_samples")) return count(o(), "inner_samples");
    return bl::Problem::inner_samples();
  }

  double f(const Vec& x, const Vec& y, bl::Batch batch) const override {
    return scalar_oracle("f", x, y, batch);
  }
  double g(const Vec& x, const Vec& y, bl::Batch batch) const override {
    return scalar_oracle("g", x, y, batch);
  }
  void grad_x_f(const Vec& x, const Vec& y, bl::Batch batch, Vec& out) const override {
    vector_oracle("grad_x_f", x, y, nullptr, batch, true, out);
  }
  void grad_y_f(const Vec& x, const Vec& y, bl::Batch batch, Vec& out) const override {
    vector_oracle("grad_y_f", x, y, nullptr, batch, false, out);
  }
  void grad_y_g(const Vec& x, const Vec& y, bl::Batch batch, Vec& out) const override {
    vector_oracle("grad_y_g", x, y, nullptr, batch, false, out);
  }
  void hvp_yy_g(const Vec& x, const Vec& y, const Vec& v, bl::Batch batch,
                Vec& out) const override {
    vector_oracle("hvp_yy_g", x, y, &v, batch, false, out);
  }
  void jvp_xy_g(const Vec& x, const Vec& y, const Vec& v, bl::Batch batch,
                Vec& out) const override {
    vector_oracle("jvp_xy_g", x, y, &v, batch, true, out);
  }
  void grad_x_g(const Vec& x, const Vec& y, bl::Batch batch, Vec& out) const override {
    {
      py::gil_scoped_acquire gil;
      if (!override_of("grad_x_g")) {
        // Not provided: the library's default says so (sampo::invalid_argument), which
        // check_oracles reads as "skip" and F2SA reports.
      } else {
        vector_oracle("grad_x_g", x, y, nullptr, batch, true, out);
        return;
      }
    }
    bl::Problem::grad_x_g(x, y, batch, out);
  }

  std::optional<Vec> lower_solution(const Vec& x) const override {
    return closed_vector("lower_solution", x, false);
  }
  std::optional<Vec> hypergradient(const Vec& x) const override {
    return closed_vector("hypergradient", x, true);
  }
  std::optional<double> value(const Vec& x) const override {
    py::gil_scoped_acquire gil;
    const py::function o = override_of("value");
    if (!o) return std::nullopt;
    const py::object r = o(numpy_copy(x));
    if (r.is_none()) return std::nullopt;
    return returned_scalar(r, where("value"));
  }
  std::optional<double> optimal_value() const override {
    py::gil_scoped_acquire gil;
    const py::function o = override_of("optimal_value");
    if (!o) return std::nullopt;
    const py::object r = o();
    if (r.is_none()) return std::nullopt;
    return returned_scalar(r, where("optimal_value"));
  }
  std::optional<Vec> minimizer() const override {
    py::gil_scoped_acquire gil;
    const py::function o = override_of("minimizer");
    if (!o) return std::nullopt;
    const py::object r = o();
    if (r.is_none()) return std::nullopt;
    Vec out;
    returned_vector(r, where("minimizer"), dim_x(), "dim_x", out);
    return out;
  }

 private:
  py::function override_of(const char* name) const {
    return py::get_override(static_cast<const bl::Problem*>(this), name);
  }
  py::object self() const {
    return py::cast(static_cast<const bl::Problem*>(this), py::return_value_policy::reference);
  }
  std::string where(const char* method) const {
    std::string s = py::str(self().get_type().attr("__name__")).cast<std::string>();
    return s.append(".").append(method);
  }
  [[noreturn]] void missing(const char* method, const char* args) const {
    std::string msg = where(method);
    msg.append(" is not defined: a subclass of sampo.bilevel.Problem must define ")
        .append(method)
        .append(args);
    throw py::type_error(msg);
  }
  Eigen::Index count(const py::object& r, const char* method) const {
    const long long n = PyLong_AsLongLong(r.ptr());  // an int, a numpy integer (__index__)
    if (n == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      std::string msg = where(method);
      msg.append(" returned ")
          .append(py::str(r.get_type().attr("__name__")).cast<std::string>())
          .append("; expected an int");
      throw py::type_error(msg);
    }
    return static_cast<Eigen::Index>(n);
  }
  Eigen::Index dimension(const char* method) const {
    py::gil_scoped_acquire gil;
    const py::function o = override_of(method);
    if (!o) missing(method, "(self)");
    return count(o(), method);
  }
  double scalar_oracle(const char* method, const Vec& x, const Vec& y, bl::Batch batch) const {
    py::gil_scoped_acquire gil;
    const py::function o = override_of(method);
    if (!o) missing(method, "(self, x, y, batch)");
    return returned_scalar(o(numpy_copy(x), numpy_copy(y), numpy_batch(batch)), where(method));
  }
  void vector_oracle(const char* method, const Vec& x, const Vec& y, const Vec* v, bl::Batch batch,
                     bool in_x, Vec& out) const {
    py::gil_scoped_acquire gil;
    const py::function o = override_of(method);
    if (!o) missing(method, v != nullptr ? "(self, x, y, v, batch)" : "(self, x, y, batch)");
    const py::object r = v != nullptr
                             ? o(numpy_copy(x), numpy_copy(y), numpy_copy(*v), numpy_batch(batch))
                             : o(numpy_copy(x), numpy_copy(y), numpy_batch(batch));
    returned_vector(r, where(method), in_x ? dim_x() : dim_y(), in_x ? "dim_x" : "dim_y", out);
  }
  std::optional<Vec> closed_vector(const char* method, const Vec& x, bool in_x) const {
    py::gil_scoped_acquire gil;
    const py::function o = override_of(method);
    if (!o) return std::nullopt;
    const py::object r = o(numpy_copy(x));
    if (r.is_none()) return std::nullopt;
    Vec out;
    returned_vector(r, where(method), in_x ? dim_x() : dim_y(), in_x ? "dim_x" : "dim_y", out);
    return out;
  }
};

// ---- Arguments -------------------------------------------------------------------------------

std::vector<Eigen::Index> batch_arg(const py::object& obj, const char* function) {
  std::vector<Eigen::Index> out;
  if (obj.is_none()) return out;
  const py::array a = py::module_::import("numpy").attr("asarray")(obj);
  const char kind = a.dtype().kind();
  if (a.ndim() != 1 || (kind != 'i' && kind != 'u')) {
    std::string msg(function);
    msg.append(": argument 'batch' must be None or a 1-D array of sample indices, got shape ")
        .append(shape_string(a))
        .append(" of dtype ")
        .append(py::str(a.dtype()).cast<std::string>());
    throw py::type_error(msg);
  }
  const py::array_t<std::int64_t> ints = py::module_::import("numpy").attr("asarray")(a, "int64");
  const auto u = ints.unchecked<1>();
  out.resize(static_cast<std::size_t>(u.shape(0)));
  for (py::ssize_t i = 0; i < u.shape(0); ++i) out[static_cast<std::size_t>(i)] = u(i);
  return out;
}

Eigen::MatrixXd matrix(const py::object& obj, const char* function, const char* name) {
  return MatrixArg(obj, function, name).ref();
}

// A Python problem must have run Problem.__init__ (pybind11 refuses it otherwise); a C++ one
// is any bound subclass.
const bl::Problem& problem_arg(const py::object& obj, const char* function) {
  if (!py::isinstance<bl::Problem>(obj)) {
    std::string msg(function);
    msg.append(": argument 'problem' is a ")
        .append(py::str(obj.get_type().attr("__name__")).cast<std::string>())
        .append(", not a sampo.bilevel.Problem");
    throw py::type_error(msg);
  }
  return obj.cast<const bl::Problem&>();
}

// ---- Options from keywords ----------------------------------------------------------------

// Counts and seeds are both std::size_t here (std::uint64_t is the same type on the LP64
// platforms sampo builds on).
static_assert(std::is_same_v<std::uint64_t, std::size_t>);
using Field = std::variant<double*, std::size_t*, bool*, Eigen::Index*>;
using Fields = std::vector<std::pair<const char*, Field>>;

Fields common_fields(bl::SolverOptions& o) {
  return {{"max_iterations", &o.max_iterations},   {"max_oracle_calls", &o.max_oracle_calls},
          {"batch_size", &o.batch_size},           {"seed", &o.seed},
          {"trace_every", &o.trace_every},         {"gradient_tolerance", &o.gradient_tolerance},
          {"check_curvature", &o.check_curvature}, {"curvature_every", &o.curvature_every},
          {"lanczos_steps", &o.lanczos_steps},     {"curvature_tolerance", &o.curvature_tolerance}};
}
// The solvers' own fields: the library's table (bl::settings_of), the one solve() uses.
template <class O>
Fields own_fields(O& o) {
  Fields out;
  for (const bl::SolverSetting& s : bl::settings_of(o))
    out.emplace_back(s.name, std::visit([](auto* p) -> Field { return p; }, s.field));
  return out;
}

py::object field_value(const Field& f) {
  return std::visit([](auto* p) -> py::object { return py::cast(*p); }, f);
}

bool is_bool(const py::handle& v) {
  return py::isinstance<py::bool_>(v) ||
         py::isinstance(v, py::module_::import("numpy").attr("bool_"));
}

[[noreturn]] void bad_keyword(const std::string& function, const char* name, const py::handle& v,
                              const char* what, bool type) {
  std::string msg = function;
  msg.append(": argument '")
      .append(name)
      .append("' = ")
      .append(py::repr(v).cast<std::string>())
      .append(": ")
      .append(what);
  if (type) throw py::type_error(msg);
  throw py::value_error(msg);
}

// Sets @p f from a Python value: a number for a double, an int for a count (>= 0 unless the
// field is signed), a bool for a flag. A wrong type is a TypeError, a negative count a
// ValueError, both naming the keyword; the Options' validate() checks the ranges.
void set_field(const Field& f, const py::handle& v, const std::string& function, const char* name) {
  if (auto* d = std::get_if<double*>(&f)) {
    if (is_bool(v) || !(PyFloat_Check(v.ptr()) || PyLong_Check(v.ptr()) || PyIndex_Check(v.ptr()) ||
                        py::hasattr(v, "__float__")))
      bad_keyword(function, name, v, "expected a number", true);
    const double x = PyFloat_AsDouble(v.ptr());
    if (x == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    **d = x;
    return;
  }
  if (auto* b = std::get_if<bool*>(&f)) {
    if (!is_bool(v)) bad_keyword(function, name, v, "expected True or False", true);
    **b = PyObject_IsTrue(v.ptr()) == 1;
    return;
  }
  if (is_bool(v) || !PyIndex_Check(v.ptr()))
    bad_keyword(function, name, v, "expected an int", true);
  const py::int_ i = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
  if (!i) throw py::error_already_set();
  if (auto* s = std::get_if<Eigen::Index*>(&f)) {
    const long long x = PyLong_AsLongLong(i.ptr());
    if (x == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      bad_keyword(function, name, v, "out of range", false);
    }
    **s = static_cast<Eigen::Index>(x);
    return;
  }
  const unsigned long long x = PyLong_AsUnsignedLongLong(i.ptr());
  if (x == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    bad_keyword(function, name, v, "must be a non-negative integer", false);
  }
  *std::get<std::size_t*>(f) = static_cast<std::size_t>(x);
}

// What the Python callback sees after each iteration (copies: it may keep them).
struct IterationInfo {
  std::size_t iteration = 0;
  Vec x, y;
  bl::OracleCounts counts;
  double seconds = 0.0;
};

// Sets the common fields of @p o from @p kwargs, and the own fields of @p own when given;
// "callback" becomes the IterationCallback (it holds @p callback without a reference: the
// caller keeps it alive, and the solver copies the std::function with the GIL released).
void apply_keywords(const py::dict& kwargs, const std::string& function, bl::SolverOptions& o,
                    const Fields& own, py::object& callback) {
  const Fields common = common_fields(o);
  for (const auto& [key, value] : kwargs) {
    const std::string k = py::str(key).cast<std::string>();
    if (k == "callback") {
      if (value.is_none()) continue;
      if (!PyCallable_Check(value.ptr()))
        bad_keyword(function, "callback", value, "expected a callable or None", true);
      callback = py::reinterpret_borrow<py::object>(value);
      continue;
    }
    bool found = false;
    for (const Fields* fields : {&own, &common}) {
      for (const auto& [name, field] : *fields) {
        if (k == name) {
          set_field(field, value, function, name);
          found = true;
          break;
        }
      }
      if (found) break;
    }
    if (!found) {
      std::string msg = function;
      msg.append("() got an unexpected keyword argument '").append(k).append("'");
      throw py::type_error(msg);
    }
  }
  if (callback) {
    PyObject* fn = callback.ptr();
    o.callback = [fn](const bl::IterationInfo& info) {
      py::gil_scoped_acquire gil;
      IterationInfo copy{info.iteration, info.x, info.y, info.counts, info.seconds};
      const py::object r = py::reinterpret_borrow<py::object>(fn)(std::move(copy));
      if (r.is_none()) return true;  // no answer: go on
      const int truth = PyObject_IsTrue(r.ptr());
      if (truth < 0) throw py::error_already_set();
      return truth == 1;
    };
  }
}

const std::vector<std::pair<const char*, const char*>>& solver_table() {
  // (Python name, library name)
  static const std::vector<std::pair<const char*, const char*>> t{
      {"borep", "borep"}, {"aid_cg", "aid-cg"}, {"itd", "itd"},         {"stocbio", "stocbio"},
      {"ttsa", "ttsa"},   {"soba", "soba"},     {"ma_soba", "ma-soba"}, {"f2sa", "f2sa"}};
  return t;
}

// The library's solver name for a Python or library name ("aid_cg" or "aid-cg").
std::string library_name(const std::string& name) {
  for (const auto& [py_name, lib_name] : solver_table())
    if (name == py_name || name == lib_name) return lib_name;
  return name;  // unknown: the library's message lists the known ones
}

template <class O, class Solver>
bl::BilevelResult run_solver(Solver solver, const char* python_name, const py::object& problem,
                             const py::object& x0, const py::object& y0, const py::dict& kwargs) {
  const std::string fn = std::string("sampo.bilevel.") + python_name;
  const bl::Problem& p = problem_arg(problem, fn.c_str());
  const Vec x = vector_arg(x0, fn.c_str(), "x0");
  const Vec y = vector_arg(y0, fn.c_str(), "y0");
  O o;
  py::object callback;
  apply_keywords(kwargs, fn, o, own_fields(o), callback);
  return run_interruptible([&](const CancellationFlag* flag) {
    o.cancel = flag;
    return solver(p, x, y, o);
  });
}

template <class O>
py::dict defaults_of() {
  O o;
  py::dict d;
  for (const auto& [name, field] : own_fields(o)) d[name] = field_value(field);
  return d;
}

// ---- Results ----------------------------------------------------------------------------------

py::dict counts_dict(const bl::OracleCounts& c, bool samples) {
  py::dict d;
  for (std::size_t k = 0; k < bl::kOracleCount; ++k) {
    const auto o = static_cast<bl::Oracle>(k);
    d[py::str(std::string(bl::to_string(o)))] = samples ? c.samples_of(o) : c.calls_of(o);
  }
  return d;
}

py::dict trace_dict(const std::vector<bl::TracePoint>& trace) {
  const auto n = static_cast<py::ssize_t>(trace.size());
  py::array_t<std::int64_t> it(n), calls(n), samples(n);
  py::array_t<double> secs(n), value(n), grad(n), dist(n);
  auto i = it.mutable_unchecked<1>();
  auto c = calls.mutable_unchecked<1>();
  auto s = samples.mutable_unchecked<1>();
  auto t = secs.mutable_unchecked<1>();
  auto v = value.mutable_unchecked<1>();
  auto g = grad.mutable_unchecked<1>();
  auto d = dist.mutable_unchecked<1>();
  for (py::ssize_t k = 0; k < n; ++k) {
    const bl::TracePoint& p = trace[static_cast<std::size_t>(k)];
    i(k) = static_cast<std::int64_t>(p.iteration);
    c(k) = static_cast<std::int64_t>(p.oracle_calls);
    s(k) = static_cast<std::int64_t>(p.oracle_samples);
    t(k) = p.seconds;
    v(k) = p.value;
    g(k) = p.gradient_norm;
    d(k) = p.inner_distance;
  }
  py::dict out;
  out["iteration"] = it;
  out["oracle_calls"] = calls;
  out["oracle_samples"] = samples;
  out["seconds"] = secs;
  out["value"] = value;
  out["gradient_norm"] = grad;
  out["inner_distance"] = dist;
  return out;
}

template <class T>
std::shared_ptr<bl::Problem> shared(T&& problem) {
  return std::make_shared<std::decay_t<T>>(std::forward<T>(problem));
}

// The oracles of any problem, callable from Python (for a C++ problem; a Python subclass's own
// methods take precedence). x, y, v are checked float64 vectors; batch None or indices.
constexpr const char* kProblemFn = "sampo.bilevel.Problem";

template <class Class>
void bind_oracle_methods(Class& c) {
  c.def("name", &bl::Problem::name, "Short identifier (\"quadratic\", \"ridge-hpo\", ...).")
      .def("dim_x", &bl::Problem::dim_x)
      .def("dim_y", &bl::Problem::dim_y)
      .def("outer_samples", &bl::Problem::outer_samples,
           "Samples in the finite sum of f (0: not a finite sum).")
      .def("inner_samples", &bl::Problem::inner_samples,
           "Samples in the finite sum of g (0: not a finite sum).");
  const auto scalar = [](double (bl::Problem::*m)(const Vec&, const Vec&, bl::Batch) const) {
    return [m](const bl::Problem& p, const py::object& x, const py::object& y,
               const py::object& batch) {
      const auto b = batch_arg(batch, kProblemFn);
      return (p.*m)(vector_arg(x, kProblemFn, "x"), vector_arg(y, kProblemFn, "y"), b);
    };
  };
  c.def("f", scalar(&bl::Problem::f), py::arg("x"), py::arg("y"), py::arg("batch") = py::none(),
        "f(x, y) (batch: None for the full sum, or sample indices).");
  c.def("g", scalar(&bl::Problem::g), py::arg("x"), py::arg("y"), py::arg("batch") = py::none(),
        "g(x, y).");
  using Grad = void (bl::Problem::*)(const Vec&, const Vec&, bl::Batch, Vec&) const;
  const auto grad = [](Grad m) {
    return [m](const bl::Problem& p, const py::object& x, const py::object& y,
               const py::object& batch) {
      const auto b = batch_arg(batch, kProblemFn);
      Vec out;
      (p.*m)(vector_arg(x, kProblemFn, "x"), vector_arg(y, kProblemFn, "y"), b, out);
      return out;
    };
  };
  for (const auto& [name, m, doc] :
       {std::tuple{"grad_x_f", Grad(&bl::Problem::grad_x_f), "∇_x f(x, y) (size dim_x)."},
        std::tuple{"grad_y_f", Grad(&bl::Problem::grad_y_f), "∇_y f(x, y) (size dim_y)."},
        std::tuple{"grad_y_g", Grad(&bl::Problem::grad_y_g), "∇_y g(x, y) (size dim_y)."},
        std::tuple{"grad_x_g", Grad(&bl::Problem::grad_x_g),
                   "∇_x g(x, y) (size dim_x; F2SA only: optional in a subclass)."}})
    c.def(name, grad(m), py::arg("x"), py::arg("y"), py::arg("batch") = py::none(), doc);
  using Prod = void (bl::Problem::*)(const Vec&, const Vec&, const Vec&, bl::Batch, Vec&) const;
  const auto prod = [](Prod m) {
    return [m](const bl::Problem& p, const py::object& x, const py::object& y, const py::object& v,
               const py::object& batch) {
      const auto b = batch_arg(batch, kProblemFn);
      Vec out;
      (p.*m)(vector_arg(x, kProblemFn, "x"), vector_arg(y, kProblemFn, "y"),
             vector_arg(v, kProblemFn, "v"), b, out);
      return out;
    };
  };
  c.def("hvp_yy_g", prod(&bl::Problem::hvp_yy_g), py::arg("x"), py::arg("y"), py::arg("v"),
        py::arg("batch") = py::none(), "∇²_yy g(x, y)·v (size dim_y).");
  c.def("jvp_xy_g", prod(&bl::Problem::jvp_xy_g), py::arg("x"), py::arg("y"), py::arg("v"),
        py::arg("batch") = py::none(), "∇²_xy g(x, y)·v = ∇_x⟨∇_y g(x, y), v⟩ (size dim_x).");
  c.def(
      "lower_solution",
      [](const bl::Problem& p, const py::object& x) {
        return p.lower_solution(vector_arg(x, kProblemFn, "x"));
      },
      py::arg("x"), "y*(x), or None when not known.");
  c.def(
      "hypergradient",
      [](const bl::Problem& p, const py::object& x) {
        return p.hypergradient(vector_arg(x, kProblemFn, "x"));
      },
      py::arg("x"), "∇Φ(x), or None when not known.");
  c.def(
      "value",
      [](const bl::Problem& p, const py::object& x) {
        return p.value(vector_arg(x, kProblemFn, "x"));
      },
      py::arg("x"), "Φ(x) = f(x, y*(x)), or None when not known.");
  c.def("optimal_value", &bl::Problem::optimal_value, "Φ* = min Φ, or None when not known.");
  c.def("minimizer", &bl::Problem::minimizer, "A minimizer x*, or None when not known.");
  c.def("__repr__", [](const py::object& self) {
    const auto& p = self.cast<const bl::Problem&>();
    std::string s = py::str(self.get_type().attr("__name__")).cast<std::string>();
    s.append("(name=")
        .append(py::repr(py::str(p.name())).cast<std::string>())
        .append(", dim_x=")
        .append(std::to_string(p.dim_x()))
        .append(", dim_y=")
        .append(std::to_string(p.dim_y()))
        .append(", outer_samples=")
        .append(std::to_string(p.outer_samples()))
        .append(", inner_samples=")
        .append(std::to_string(p.inner_samples()))
        .append(")");
    return s;
  });
}

}  // namespace

void bind_bilevel(py::module_& m) {
  // ---- problems ----
  py::class_<bl::Problem, PyProblem, std::shared_ptr<bl::Problem>> problem(
      m, "Problem",
      R"(A bilevel problem min_x f(x, y*(x)), y*(x) = argmin_y g(x, y) (sampo::bilevel::Problem).

Subclass it in Python and define (x, y, v: float64 arrays; batch: None for the full sums, or
an int64 array of sample indices into the samples of the level):
  dim_x(), dim_y()                        -> int
  f(x, y, batch), g(x, y, batch)          -> float
  grad_x_f(x, y, batch)                   -> array (dim_x,)
  grad_y_f(x, y, batch), grad_y_g(...)    -> array (dim_y,)
  hvp_yy_g(x, y, v, batch)                -> array (dim_y,)   ∇²_yy g · v
  jvp_xy_g(x, y, v, batch)                -> array (dim_x,)   ∇²_xy g · v
and optionally name(), outer_samples(), inner_samples() (finite sums; 0: not one),
grad_x_g(x, y, batch) (F2SA), and the closed forms lower_solution(x), hypergradient(x),
value(x), optimal_value(), minimizer() (None: not known). Call super().__init__() in
__init__. A returned array of another size is a ValueError, of another dtype a TypeError; an
exception raised by a method propagates out of the solver as itself.)");
  problem.def(py::init<>());
  bind_oracle_methods(problem);

  py::class_<bl::QuadraticProblem, bl::Problem, std::shared_ptr<bl::QuadraticProblem>>(
      m, "QuadraticProblem",
      "g = ½yᵀAy + ½xᵀBx + xᵀCy + aᵀy + bᵀx + g0, f = ½yᵀFy + ½xᵀHx + xᵀKy + f0ᵀy + hᵀx + "
      "f_const: every closed form (y*, ∇Φ, Φ, x*, Φ*).")
      .def(py::init([](const py::object& A, const py::object& B, const py::object& C,
                       const py::object& a, const py::object& b, const py::object& F,
                       const py::object& H, const py::object& K, const py::object& f0,
                       const py::object& h, double g0, double f_const) {
             constexpr const char* fn = "sampo.bilevel.QuadraticProblem";
             bl::QuadraticData d;
             d.A = matrix(A, fn, "A");
             d.B = matrix(B, fn, "B");
             d.C = matrix(C, fn, "C");
             d.a = vector_arg(a, fn, "a");
             d.b = vector_arg(b, fn, "b");
             d.F = matrix(F, fn, "F");
             d.H = matrix(H, fn, "H");
             d.K = matrix(K, fn, "K");
             d.f0 = vector_arg(f0, fn, "f0");
             d.h = vector_arg(h, fn, "h");
             d.g0 = g0;
             d.f_const = f_const;
             return bl::QuadraticProblem(std::move(d));
           }),
           py::arg("A"), py::arg("B"), py::arg("C"), py::arg("a"), py::arg("b"), py::arg("F"),
           py::arg("H"), py::arg("K"), py::arg("f0"), py::arg("h"), py::arg("g0") = 0.0,
           py::arg("f_const") = 0.0)
      .def_property_readonly(
          "data",
          [](const bl::QuadraticProblem& p) {
            const auto& d = p.data();
            py::dict out;
            out["A"] = d.A;
            out["B"] = d.B;
            out["C"] = d.C;
            out["a"] = d.a;
            out["b"] = d.b;
            out["F"] = d.F;
            out["H"] = d.H;
            out["K"] = d.K;
            out["f0"] = d.f0;
            out["h"] = d.h;
            out["g0"] = d.g0;
            out["f_const"] = d.f_const;
            return out;
          },
          "The matrices and vectors, as a dict of arrays (copies).")
      .def_property_readonly("hessian", &bl::QuadraticProblem::hessian, "∇²Φ (constant).");
  {
    const bl::QuadraticProblemOptions d;
    m.def(
        "make_quadratic",
        [](Eigen::Index dim_x, Eigen::Index dim_y, double mu, double L, double coupling,
           std::uint64_t seed) {
          bl::QuadraticProblemOptions o;
          o.dim_x = dim_x;
          o.dim_y = dim_y;
          o.mu = mu;
          o.L = L;
          o.coupling = coupling;
          o.seed = seed;
          return bl::make_quadratic(o);
        },
        py::kw_only(), py::arg("dim_x") = d.dim_x, py::arg("dim_y") = d.dim_y, py::arg("mu") = d.mu,
        py::arg("L") = d.L, py::arg("coupling") = d.coupling, py::arg("seed") = d.seed,
        "A random QuadraticProblem: A, B, F, H with eigenvalues log-spaced in [mu, L], C and K "
        "of spectral norm `coupling`; ∇²Φ ⪰ mu·I.");
  }

  py::class_<bl::StochasticQuadraticProblem, bl::Problem,
             std::shared_ptr<bl::StochasticQuadraticProblem>>(
      m, "StochasticQuadraticProblem",
      "g = (1/n)Σ½(a_iᵀy + c_iᵀx − s_i)² + (mu/2)‖y‖², f = (1/m)Σ½(p_jᵀy + q_jᵀx − r_j)² + "
      "(rho/2)‖x‖²: finite sums for mini-batches; its full sums are `means`.")
      .def(py::init([](const py::object& a, const py::object& c, const py::object& s,
                       const py::object& p, const py::object& q, const py::object& r, double mu,
                       double rho) {
             constexpr const char* fn = "sampo.bilevel.StochasticQuadraticProblem";
             bl::StochasticQuadraticData d;
             d.a = matrix(a, fn, "a");
             d.c = matrix(c, fn, "c");
             d.s = vector_arg(s, fn, "s");
             d.p = matrix(p, fn, "p");
             d.q = matrix(q, fn, "q");
             d.r = vector_arg(r, fn, "r");
             d.mu = mu;
             d.rho = rho;
             return bl::StochasticQuadraticProblem(std::move(d));
           }),
           py::arg("a"), py::arg("c"), py::arg("s"), py::arg("p"), py::arg("q"), py::arg("r"),
           py::arg("mu") = bl::StochasticQuadraticData{}.mu,
           py::arg("rho") = bl::StochasticQuadraticData{}.rho)
      .def_property_readonly("means", &bl::StochasticQuadraticProblem::means,
                             py::return_value_policy::reference_internal,
                             "The QuadraticProblem of the full sums.");
  {
    const bl::StochasticQuadraticOptions d;
    m.def(
        "make_stochastic_quadratic",
        [](Eigen::Index dim_x, Eigen::Index dim_y, Eigen::Index inner_samples,
           Eigen::Index outer_samples, double mu, double rho, double coupling, std::uint64_t seed) {
          bl::StochasticQuadraticOptions o;
          o.dim_x = dim_x;
          o.dim_y = dim_y;
          o.inner_samples = inner_samples;
          o.outer_samples = outer_samples;
          o.mu = mu;
          o.rho = rho;
          o.coupling = coupling;
          o.seed = seed;
          return bl::make_stochastic_quadratic(o);
        },
        py::kw_only(), py::arg("dim_x") = d.dim_x, py::arg("dim_y") = d.dim_y,
        py::arg("inner_samples") = d.inner_samples, py::arg("outer_samples") = d.outer_samples,
        py::arg("mu") = d.mu, py::arg("rho") = d.rho, py::arg("coupling") = d.coupling,
        py::arg("seed") = d.seed, "A random StochasticQuadraticProblem (Gaussian rows).");
  }

  py::class_<bl::RidgeHpoProblem, bl::Problem, std::shared_ptr<bl::RidgeHpoProblem>>(
      m, "RidgeHpoProblem",
      "Ridge regression with one regularizer e^{λ_j} per feature: g = ½‖X_tr w − y_tr‖² + "
      "½Σ e^{λ_j} w_j², f = ½‖X_val w − y_val‖² (x = λ, y = w).")
      .def(py::init([](const py::object& xtr, const py::object& ytr, const py::object& xval,
                       const py::object& yval) {
             constexpr const char* fn = "sampo.bilevel.RidgeHpoProblem";
             return bl::RidgeHpoProblem(matrix(xtr, fn, "x_train"), vector_arg(ytr, fn, "y_train"),
                                        matrix(xval, fn, "x_val"), vector_arg(yval, fn, "y_val"));
           }),
           py::arg("x_train"), py::arg("y_train"), py::arg("x_val"), py::arg("y_val"));
  {
    const bl::RidgeHpoOptions d;
    m.def(
        "make_ridge_hpo",
        [](Eigen::Index features, Eigen::Index train, Eigen::Index val, double noise,
           std::uint64_t seed) {
          bl::RidgeHpoOptions o;
          o.features = features;
          o.train_samples = train;
          o.val_samples = val;
          o.noise = noise;
          o.seed = seed;
          return bl::make_ridge_hpo(o);
        },
        py::kw_only(), py::arg("features") = d.features, py::arg("train_samples") = d.train_samples,
        py::arg("val_samples") = d.val_samples, py::arg("noise") = d.noise,
        py::arg("seed") = d.seed,
        "A random RidgeHpoProblem (sparse true weights, Gaussian features and noise).");
  }

  py::class_<bl::HypercleanLsProblem, bl::Problem, std::shared_ptr<bl::HypercleanLsProblem>>(
      m, "HypercleanLsProblem",
      "Weighted least-squares hyper-cleaning: g = ½Σσ(λ_i)(x_iᵀw − y_i)² + (c/2)‖w‖², "
      "f = ½‖X_val w − y_val‖².")
      .def(py::init([](const py::object& xtr, const py::object& ytr, const py::object& xval,
                       const py::object& yval, double c) {
             constexpr const char* fn = "sampo.bilevel.HypercleanLsProblem";
             return bl::HypercleanLsProblem(
                 matrix(xtr, fn, "x_train"), vector_arg(ytr, fn, "y_train"),
                 matrix(xval, fn, "x_val"), vector_arg(yval, fn, "y_val"), c);
           }),
           py::arg("x_train"), py::arg("y_train"), py::arg("x_val"), py::arg("y_val"),
           py::arg("c"));
  {
    const bl::HypercleanLsOptions d;
    m.def(
        "make_hyperclean_ls",
        [](Eigen::Index features, Eigen::Index train, Eigen::Index val, double fraction, double c,
           std::uint64_t seed) {
          bl::HypercleanLsOptions o;
          o.features = features;
          o.train_samples = train;
          o.val_samples = val;
          o.corrupted_fraction = fraction;
          o.c = c;
          o.seed = seed;
          bl::HypercleanLsInstance inst = bl::make_hyperclean_ls(o);
          py::array_t<bool> corrupted(static_cast<py::ssize_t>(inst.corrupted.size()));
          auto u = corrupted.mutable_unchecked<1>();
          for (std::size_t i = 0; i < inst.corrupted.size(); ++i)
            u(static_cast<py::ssize_t>(i)) = inst.corrupted[i];
          return py::make_tuple(shared(std::move(inst.problem)), corrupted);
        },
        py::kw_only(), py::arg("features") = d.features, py::arg("train_samples") = d.train_samples,
        py::arg("val_samples") = d.val_samples,
        py::arg("corrupted_fraction") = d.corrupted_fraction, py::arg("c") = d.c,
        py::arg("seed") = d.seed,
        "A random HypercleanLsProblem and which training rows were corrupted: (problem, "
        "corrupted bool array).");
  }

  py::class_<bl::CoshProblem, bl::Problem, std::shared_ptr<bl::CoshProblem>>(
      m, "CoshProblem",
      "g = ½yᵀAy − xᵀy, f = Σ cosh(y_j − c_j): (L0, L1)-smooth upper level; x* = Ac, Φ* = d.")
      .def(py::init([](const py::object& A, const py::object& c) {
             constexpr const char* fn = "sampo.bilevel.CoshProblem";
             return bl::CoshProblem(MatrixArg(A, fn, "A", Layout::symmetric).ref(),
                                    vector_arg(c, fn, "c"));
           }),
           py::arg("A"), py::arg("c"));
  m.def("make_cosh", &bl::make_cosh, py::arg("d") = 5, py::arg("condition") = 4.0,
        py::arg("seed") = 0,
        "A CoshProblem of dimension d, A's eigenvalues log-spaced in [1, condition], c uniform "
        "in [-1, 1].");

  py::class_<bl::DegenerateProblem, bl::Problem, std::shared_ptr<bl::DegenerateProblem>>(
      m, "DegenerateProblem",
      "x ∈ ℝ, y ∈ ℝ²: g = ½y₁² − x y₁ + (ε/2)y₂², f = ½(x − y₂)² + ½(y₁ − 1)²; not strongly "
      "convex in y when epsilon = 0.")
      .def(py::init<double>(), py::arg("epsilon"));

  py::class_<bl::HypercleanLogisticProblem, bl::Problem,
             std::shared_ptr<bl::HypercleanLogisticProblem>>(
      m, "HypercleanLogisticProblem",
      "Multinomial logistic regression with per-sample weights σ(λ_i) (data hyper-cleaning); "
      "y = W (K x (p+1), column-major, last column the intercepts). No closed form.")
      .def(py::init([](const py::object& xtr, const py::object& ltr, const py::object& xval,
                       const py::object& lval, int classes, double c) {
             constexpr const char* fn = "sampo.bilevel.HypercleanLogisticProblem";
             return bl::HypercleanLogisticProblem(
                 matrix(xtr, fn, "x_train"), labels_arg(ltr, fn, "labels_train"),
                 matrix(xval, fn, "x_val"), labels_arg(lval, fn, "labels_val"), classes, c);
           }),
           py::arg("x_train"), py::arg("labels_train"), py::arg("x_val"), py::arg("labels_val"),
           py::arg("classes"), py::arg("c"))
      .def_property_readonly("classes", &bl::HypercleanLogisticProblem::classes)
      .def_property_readonly("regularization", &bl::HypercleanLogisticProblem::regularization)
      .def(
          "predict",
          [](const bl::HypercleanLogisticProblem& p, const py::object& w,
             const py::object& features) {
            constexpr const char* fn = "sampo.bilevel.HypercleanLogisticProblem.predict";
            const Vec wv = vector_arg(w, fn, "w");
            const MatrixArg x(features, fn, "features");
            const std::vector<int> labels = p.predict(wv, x.ref());
            return py::array_t<int>(static_cast<py::ssize_t>(labels.size()), labels.data());
          },
          py::arg("w"), py::arg("features"),
          "Predicted labels of the rows of features (argmax of the scores).");

  // ---- hyper-cleaning on a data set ----
  py::class_<bl::HypercleanTask, std::shared_ptr<bl::HypercleanTask>>(
      m, "HypercleanTask",
      "A data hyper-cleaning task: the problem (corrupted training labels, clean validation), "
      "the standardized splits and which training labels were replaced.")
      .def_readonly("problem", &bl::HypercleanTask::problem)
      .def_readonly("x_train", &bl::HypercleanTask::x_train)
      .def_readonly("x_val", &bl::HypercleanTask::x_val)
      .def_readonly("x_test", &bl::HypercleanTask::x_test)
      .def_readonly("labels_train_clean", &bl::HypercleanTask::labels_train_clean)
      .def_readonly("labels_train", &bl::HypercleanTask::labels_train)
      .def_readonly("labels_val", &bl::HypercleanTask::labels_val)
      .def_readonly("labels_test", &bl::HypercleanTask::labels_test)
      .def_property_readonly("corrupted",
                             [](const bl::HypercleanTask& t) {
                               py::array_t<bool> out(static_cast<py::ssize_t>(t.corrupted.size()));
                               auto u = out.mutable_unchecked<1>();
                               for (std::size_t i = 0; i < t.corrupted.size(); ++i)
                                 u(static_cast<py::ssize_t>(i)) = t.corrupted[i];
                               return out;
                             })
      .def_readonly("classes", &bl::HypercleanTask::classes)
      .def("__repr__", [](const bl::HypercleanTask& t) {
        std::string s = "HypercleanTask(train=";
        s.append(std::to_string(t.x_train.rows()))
            .append(", val=")
            .append(std::to_string(t.x_val.rows()))
            .append(", test=")
            .append(std::to_string(t.x_test.rows()))
            .append(", classes=")
            .append(std::to_string(t.classes))
            .append(")");
        return s;
      });
  {
    const bl::HypercleanOptions d;
    m.def(
        "make_hyperclean",
        [](const py::object& features, const py::object& labels, int classes,
           double corrupted_fraction, double regularization, std::uint64_t seed, bool standardize) {
          constexpr const char* fn = "sampo.bilevel.make_hyperclean";
          const MatrixArg x(features, fn, "features");
          const std::vector<int> l = labels_arg(labels, fn, "labels");
          bl::HypercleanOptions o;
          o.corrupted_fraction = corrupted_fraction;
          o.regularization = regularization;
          o.seed = seed;
          o.standardize = standardize;
          py::gil_scoped_release release;
          return std::make_shared<bl::HypercleanTask>(bl::make_hyperclean(x.ref(), l, classes, o));
        },
        py::arg("features"), py::arg("labels"), py::arg("classes"), py::kw_only(),
        py::arg("corrupted_fraction") = d.corrupted_fraction,
        py::arg("regularization") = d.regularization, py::arg("seed") = d.seed,
        py::arg("standardize") = d.standardize,
        "Splits (stratified: 2 folds train, 1 validation, 1 test), corrupts a fraction of the "
        "training labels, and builds the HypercleanLogisticProblem.");
  }
  py::class_<bl::HypercleanScores>(m, "HypercleanScores")
      .def_readonly("test_accuracy", &bl::HypercleanScores::test_accuracy)
      .def_readonly("precision", &bl::HypercleanScores::precision)
      .def_readonly("recall", &bl::HypercleanScores::recall)
      .def_readonly("flagged", &bl::HypercleanScores::flagged)
      .def("__repr__", [](const bl::HypercleanScores& s) {
        std::string r = "HypercleanScores(test_accuracy=";
        r.append(format_value(s.test_accuracy))
            .append(", precision=")
            .append(format_value(s.precision))
            .append(", recall=")
            .append(format_value(s.recall))
            .append(", flagged=")
            .append(std::to_string(s.flagged))
            .append(")");
        return r;
      });
  m.def(
      "score_hyperclean",
      [](const bl::HypercleanTask& task, const py::object& x, const py::object& y) {
        constexpr const char* fn = "sampo.bilevel.score_hyperclean";
        return bl::score_hyperclean(task, vector_arg(x, fn, "x"), vector_arg(y, fn, "y"));
      },
      py::arg("task"), py::arg("x"), py::arg("y"),
      "Test accuracy of the weights y and the detection scores of σ(x_i) < 1/2.");
  m.def(
      "reference_accuracy",
      [](const bl::HypercleanTask& task, bool clean, double lambda) {
        py::gil_scoped_release release;
        return bl::reference_accuracy(task, clean, lambda);
      },
      py::arg("task"), py::arg("clean"), py::arg("lambda_") = 0.0,
      "Test accuracy of the model fitted with every weight σ(lambda_), on the corrupted "
      "(clean=False) or the true (clean=True) training labels.");
  m.def(
      "load_digits",
      [](const std::string& path) {
        bl::Digits d = [&] {
          py::gil_scoped_release release;
          return bl::load_digits(path);
        }();
        return py::make_tuple(
            d.features,
            py::array_t<int>(static_cast<py::ssize_t>(d.labels.size()), d.labels.data()));
      },
      py::arg("path"),
      "The UCI digits CSV (64 features, then the label): (features (n, 64), labels (n,)).");

  // ---- named benchmarks ----
  py::class_<bl::Benchmark>(m, "Benchmark", "A named benchmark problem with its starting point.")
      .def_readonly("name", &bl::Benchmark::name)
      .def_property_readonly(
          "problem",
          [](const bl::Benchmark& b) { return std::const_pointer_cast<bl::Problem>(b.problem); })
      .def_readonly("x0", &bl::Benchmark::x0)
      .def_readonly("y0", &bl::Benchmark::y0)
      .def_property_readonly(
          "hyperclean",
          [](const bl::Benchmark& b) {
            return std::const_pointer_cast<bl::HypercleanTask>(b.hyperclean);
          },
          "The HypercleanTask (hyperclean-digits), else None.")
      .def("__repr__", [](const bl::Benchmark& b) {
        std::string s = "Benchmark(name='";
        s.append(b.name)
            .append("', dim_x=")
            .append(std::to_string(b.x0.size()))
            .append(", dim_y=")
            .append(std::to_string(b.y0.size()))
            .append(")");
        return s;
      });
  m.def("benchmark_names", &bl::benchmark_names, "The names make_benchmark knows.");
  {
    const bl::BenchmarkOptions d;
    m.def(
        "make_benchmark",
        [](const std::string& name, Eigen::Index dim, Eigen::Index samples, double epsilon,
           double corrupted_fraction, const std::string& data, std::uint64_t seed) {
          bl::BenchmarkOptions o;
          o.dim = dim;
          o.samples = samples;
          o.epsilon = epsilon;
          o.corrupted_fraction = corrupted_fraction;
          o.data = data;
          o.seed = seed;
          py::gil_scoped_release release;
          return bl::make_benchmark(name, o);
        },
        py::arg("name"), py::kw_only(), py::arg("dim") = d.dim, py::arg("samples") = d.samples,
        py::arg("epsilon") = d.epsilon, py::arg("corrupted_fraction") = d.corrupted_fraction,
        py::arg("data") = d.data.string(), py::arg("seed") = d.seed,
        "The named benchmark problem of `sampo bilevel` with its starting point (x0, y0); "
        "hyperclean-digits reads data (the digits CSV).");
  }

  // ---- results ----
  py::class_<bl::OracleCounts>(m, "OracleCounts", "Oracle calls and samples used, by oracle name.")
      .def_property_readonly(
          "calls", [](const bl::OracleCounts& c) { return counts_dict(c, false); },
          "dict: oracle name -> calls")
      .def_property_readonly(
          "samples", [](const bl::OracleCounts& c) { return counts_dict(c, true); },
          "dict: oracle name -> samples used")
      .def_property_readonly("total_calls", &bl::OracleCounts::total_calls)
      .def_property_readonly("total_samples", &bl::OracleCounts::total_samples)
      .def("brief", &bl::OracleCounts::brief)
      .def("__repr__", [](const bl::OracleCounts& c) {
        std::string s = "OracleCounts(";
        s.append(c.brief()).append(")");
        return s;
      });

  py::class_<IterationInfo>(m, "IterationInfo",
                            "What a solver's callback receives after each outer iteration.")
      .def_readonly("iteration", &IterationInfo::iteration)
      .def_readonly("x", &IterationInfo::x)
      .def_readonly("y", &IterationInfo::y)
      .def_readonly("counts", &IterationInfo::counts)
      .def_readonly("seconds", &IterationInfo::seconds)
      .def("__repr__", [](const IterationInfo& i) {
        std::string s = "IterationInfo(iteration=";
        s.append(std::to_string(i.iteration))
            .append(", oracle_calls=")
            .append(std::to_string(i.counts.total_calls()))
            .append(")");
        return s;
      });

  py::class_<bl::CurvatureReport>(m, "CurvatureReport",
                                  "The lower-level strong-convexity check (Lanczos on ∇²_yy g).")
      .def_readonly("checked", &bl::CurvatureReport::checked)
      .def_readonly("strongly_convex", &bl::CurvatureReport::strongly_convex)
      .def_readonly("checks", &bl::CurvatureReport::checks)
      .def_readonly("min_ritz", &bl::CurvatureReport::min_ritz)
      .def_readonly("max_ritz", &bl::CurvatureReport::max_ritz)
      .def_readonly("iteration", &bl::CurvatureReport::iteration)
      .def_readonly("oracle_calls", &bl::CurvatureReport::oracle_calls)
      .def("__repr__", [](const bl::CurvatureReport& c) {
        std::string s = "CurvatureReport(checked=";
        s.append(c.checked ? "True" : "False")
            .append(", strongly_convex=")
            .append(c.strongly_convex ? "True" : "False")
            .append(", checks=")
            .append(std::to_string(c.checks))
            .append(", min_ritz=")
            .append(format_value(c.min_ritz))
            .append(", max_ritz=")
            .append(format_value(c.max_ritz))
            .append(")");
        return s;
      });

  py::class_<bl::BilevelResult>(m, "BilevelResult",
                                "What every solver returns: x, y, z, oracle counts, trace, "
                                "curvature report, run (iterations = outer iterations, "
                                "evaluations = oracle calls).")
      .def_readonly("solver", &bl::BilevelResult::solver)
      .def_readonly("x", &bl::BilevelResult::x, "last upper-level iterate")
      .def_readonly("y", &bl::BilevelResult::y, "last lower-level iterate")
      .def_readonly("z", &bl::BilevelResult::z,
                    "last linear-system / auxiliary iterate (empty for ITD and F2SA)")
      .def_readonly("oracle_counts", &bl::BilevelResult::oracle_counts)
      .def_property_readonly(
          "trace", [](const bl::BilevelResult& r) { return trace_dict(r.trace); },
          "dict of arrays, one entry per trace point: iteration, "
          "oracle_calls, oracle_samples, seconds, value (Φ), gradient_norm "
          "(‖∇Φ‖), inner_distance (‖y − y*‖); NaN where not known")
      .def_readonly("curvature", &bl::BilevelResult::curvature)
      .def_readonly("run", &bl::BilevelResult::run)
      .def("__repr__", [](const bl::BilevelResult& r) {
        std::string s = "BilevelResult(solver='";
        s.append(r.solver)
            .append("', oracle_calls=")
            .append(std::to_string(r.oracle_counts.total_calls()))
            .append(", run=")
            .append(py::repr(py::cast(r.run)).cast<std::string>())
            .append(")");
        return s;
      });

  // ---- solvers ----
  m.def("_common_defaults", [] {
    bl::SolverOptions o;
    py::dict d;
    for (const auto& [name, field] : common_fields(o)) d[name] = field_value(field);
    return d;
  });
  m.def("_solver_defaults", [](const std::string& name) -> py::dict {
    const std::string n = library_name(name);
    if (n == "borep") return defaults_of<bl::BorepOptions>();
    if (n == "aid-cg") return defaults_of<bl::AidCgOptions>();
    if (n == "itd") return defaults_of<bl::ItdOptions>();
    if (n == "stocbio") return defaults_of<bl::StocBioOptions>();
    if (n == "ttsa") return defaults_of<bl::TtsaOptions>();
    if (n == "soba") return defaults_of<bl::SobaOptions>();
    if (n == "ma-soba") return defaults_of<bl::MaSobaOptions>();
    if (n == "f2sa") return defaults_of<bl::F2saOptions>();
    (void)bl::solver_settings(n);  // throws the library's "unknown solver" message
    return {};
  });
  m.def("_run",
        [](const std::string& name, const py::object& problem, const py::object& x0,
           const py::object& y0, const py::dict& kwargs) -> bl::BilevelResult {
          const std::string n = library_name(name);
          // Plain function pointers: the overloads with a default Options argument.
          if (n == "borep")
            return run_solver<bl::BorepOptions>(&bl::borep, "borep", problem, x0, y0, kwargs);
          if (n == "aid-cg")
            return run_solver<bl::AidCgOptions>(&bl::aid_cg, "aid_cg", problem, x0, y0, kwargs);
          if (n == "itd")
            return run_solver<bl::ItdOptions>(&bl::itd, "itd", problem, x0, y0, kwargs);
          if (n == "stocbio")
            return run_solver<bl::StocBioOptions>(&bl::stocbio, "stocbio", problem, x0, y0, kwargs);
          if (n == "ttsa")
            return run_solver<bl::TtsaOptions>(&bl::ttsa, "ttsa", problem, x0, y0, kwargs);
          if (n == "soba")
            return run_solver<bl::SobaOptions>(&bl::soba, "soba", problem, x0, y0, kwargs);
          if (n == "ma-soba")
            return run_solver<bl::MaSobaOptions>(&bl::ma_soba, "ma_soba", problem, x0, y0, kwargs);
          if (n == "f2sa")
            return run_solver<bl::F2saOptions>(&bl::f2sa, "f2sa", problem, x0, y0, kwargs);
          (void)bl::solver_settings(n);  // throws the library's "unknown solver" message
          return {};
        });
  m.def("_solve", [](const py::object& problem, const py::object& x0, const py::object& y0,
                     const std::string& solver, const std::vector<std::string>& settings,
                     const py::dict& common) {
    constexpr const char* fn = "sampo.bilevel.solve";
    const bl::Problem& p = problem_arg(problem, fn);
    const Vec x = vector_arg(x0, fn, "x0");
    const Vec y = vector_arg(y0, fn, "y0");
    bl::SolverOptions o;
    py::object callback;
    apply_keywords(common, fn, o, {}, callback);
    const std::string name = library_name(solver);
    return run_interruptible([&](const CancellationFlag* flag) {
      o.cancel = flag;
      return bl::solve(p, x, y, name, o, settings);
    });
  });
  m.def("solver_names", &bl::solver_names,
        "The library's solver names: borep, aid-cg, itd, stocbio, ttsa, soba, ma-soba, f2sa.");
  m.def(
      "solver_settings",
      [](const std::string& solver) { return bl::solver_settings(library_name(solver)); },
      py::arg("solver"), "The settable fields of a solver's own options.");

  // ---- tools ----
  py::class_<bl::OracleCheckRow>(m, "OracleCheckRow")
      .def_readonly("oracle", &bl::OracleCheckRow::oracle)
      .def_readonly("direction", &bl::OracleCheckRow::direction)
      .def_readonly("analytic", &bl::OracleCheckRow::analytic)
      .def_readonly("numerical", &bl::OracleCheckRow::numerical)
      .def_readonly("error", &bl::OracleCheckRow::error)
      .def_readonly("rounding", &bl::OracleCheckRow::rounding)
      .def_readonly("passed", &bl::OracleCheckRow::passed)
      .def("__repr__", [](const bl::OracleCheckRow& r) {
        std::string s = "OracleCheckRow(oracle='";
        s.append(r.oracle)
            .append("', direction=")
            .append(std::to_string(r.direction))
            .append(", analytic=")
            .append(format_value(r.analytic))
            .append(", numerical=")
            .append(format_value(r.numerical))
            .append(", error=")
            .append(format_value(r.error))
            .append(", passed=")
            .append(r.passed ? "True" : "False")
            .append(")");
        return s;
      });
  py::class_<bl::OracleCheckResult>(m, "OracleCheckResult")
      .def_readonly("rows", &bl::OracleCheckResult::rows)
      .def_readonly("passed", &bl::OracleCheckResult::passed)
      .def_readonly("max_error", &bl::OracleCheckResult::max_error)
      .def_readonly("run", &bl::OracleCheckResult::run)
      .def("__repr__", [](const bl::OracleCheckResult& r) {
        std::string s = "OracleCheckResult(passed=";
        s.append(r.passed ? "True" : "False")
            .append(", rows=")
            .append(std::to_string(r.rows.size()))
            .append(", max_error=")
            .append(format_value(r.max_error))
            .append(")");
        return s;
      });
  {
    const bl::OracleCheckOptions d;
    m.def(
        "check_oracles",
        [](const py::object& problem, const py::object& x, const py::object& y, double step,
           double tolerance, std::size_t directions, std::uint64_t seed) {
          constexpr const char* fn = "sampo.bilevel.check_oracles";
          const bl::Problem& p = problem_arg(problem, fn);
          const Vec xv = vector_arg(x, fn, "x");
          const Vec yv = vector_arg(y, fn, "y");
          bl::OracleCheckOptions o;
          o.step = step;
          o.tolerance = tolerance;
          o.directions = directions;
          o.seed = seed;
          py::gil_scoped_release release;
          return bl::check_oracles(p, xv, yv, o);
        },
        py::arg("problem"), py::arg("x"), py::arg("y"), py::kw_only(), py::arg("step") = d.step,
        py::arg("tolerance") = d.tolerance, py::arg("directions") = d.directions,
        py::arg("seed") = d.seed,
        "Compares every derivative oracle (full sums) with central differences along random "
        "directions at (x, y); result.passed is the verdict. grad_x_g is skipped when the "
        "problem does not provide it.");
  }
  py::class_<bl::LowerSolveResult>(m, "LowerSolveResult")
      .def_readonly("y", &bl::LowerSolveResult::y)
      .def_readonly("gradient_norm", &bl::LowerSolveResult::gradient_norm)
      .def_readonly("run", &bl::LowerSolveResult::run)
      .def("__repr__", [](const bl::LowerSolveResult& r) {
        std::string s = "LowerSolveResult(gradient_norm=";
        s.append(format_value(r.gradient_norm))
            .append(", run=")
            .append(py::repr(py::cast(r.run)).cast<std::string>())
            .append(")");
        return s;
      });
  {
    const bl::LowerSolveOptions d;
    m.def(
        "solve_lower_level",
        [](const py::object& problem, const py::object& x, const py::object& y0, double tolerance,
           std::size_t max_iterations, std::size_t cg_iterations) {
          constexpr const char* fn = "sampo.bilevel.solve_lower_level";
          const bl::Problem& p = problem_arg(problem, fn);
          const Vec xv = vector_arg(x, fn, "x");
          const Vec yv = vector_arg(y0, fn, "y0");
          bl::LowerSolveOptions o;
          o.tolerance = tolerance;
          o.max_iterations = max_iterations;
          o.cg_iterations = cg_iterations;
          py::gil_scoped_release release;
          return bl::solve_lower_level(p, xv, yv, o);
        },
        py::arg("problem"), py::arg("x"), py::arg("y0"), py::kw_only(),
        py::arg("tolerance") = d.tolerance, py::arg("max_iterations") = d.max_iterations,
        py::arg("cg_iterations") = d.cg_iterations,
        "y*(x) by Newton-CG on g(x, ·) from y0 (full sums).");
  }
  m.def(
      "implicit_hypergradient",
      [](const py::object& problem, const py::object& x, const py::object& y, double cg_tolerance,
         std::size_t cg_iterations) {
        constexpr const char* fn = "sampo.bilevel.implicit_hypergradient";
        const bl::Problem& p = problem_arg(problem, fn);
        const Vec xv = vector_arg(x, fn, "x");
        const Vec yv = vector_arg(y, fn, "y");
        py::gil_scoped_release release;
        return bl::implicit_hypergradient(p, xv, yv, cg_tolerance, cg_iterations);
      },
      py::arg("problem"), py::arg("x"), py::arg("y"), py::kw_only(),
      py::arg("cg_tolerance") = 1e-12, py::arg("cg_iterations") = 1000,
      "∇Φ(x) by implicit differentiation at y (taken as y*(x)), CG on ∇²_yy g v = ∇_y f.");
}

}  // namespace sampo::python
