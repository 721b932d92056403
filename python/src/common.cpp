#include "common.hpp"

#include <atomic>
#include <csignal>
#include <cstddef>
#include <string>

#include <signal.h>

#include "sampo/core/error.hpp"

namespace sampo::python {

namespace {

std::string prefix(const char* function, const char* name) {
  std::string s(function);
  s.append(": argument '").append(name).append("'");
  return s;
}

[[noreturn]] void type_error(const std::string& msg) { throw py::type_error(msg); }
[[noreturn]] void value_error(const std::string& msg) { throw py::value_error(msg); }

// Any object as a float64 ndarray: an ndarray must already be float64 (TypeError otherwise:
// sampo never converts a user's array silently); a list or scalar is converted by NumPy.
py::array as_float64_array(const py::handle& obj, const char* function, const char* name) {
  if (py::isinstance<py::array>(obj)) {
    auto a = py::reinterpret_borrow<py::array>(obj);
    // array_t<double>::check_ compares the descriptor with NumPy's (native float64) directly:
    // a few ns, where formatting the dtype's name costs microseconds; the name only on error.
    if (!py::array_t<double>::check_(a)) {
      const std::string dtype = py::str(a.dtype());
      std::string msg = prefix(function, name);
      msg.append(" has dtype ").append(dtype).append(
          ": sampo computes in float64; pass numpy.asarray(").append(name).append(
          ", dtype=numpy.float64)");
      type_error(msg);
    }
    return a;
  }
  try {
    return py::module_::import("numpy").attr("asarray")(obj, "float64");
  } catch (py::error_already_set& e) {
    std::string msg = prefix(function, name);
    msg.append(" is not an array of numbers (").append(py::str(obj.get_type().attr("__name__")))
        .append("): ").append(e.what());
    type_error(msg);
  }
}

// The first non-finite entry of a float64 array, as "nan at [i, j]".
std::string first_non_finite(const py::array& a) {
  const py::array flat = py::module_::import("numpy").attr("isfinite")(a);
  const py::tuple where = py::module_::import("numpy").attr("nonzero")(
      py::module_::import("numpy").attr("logical_not")(flat));
  std::string idx = "[";
  double value = 0.0;
  py::tuple index(where.size());
  for (std::size_t k = 0; k < where.size(); ++k) {
    const auto first = py::reinterpret_borrow<py::array>(where[k]).attr("__getitem__")(0);
    index[k] = first;
    if (k > 0) idx.append(", ");
    idx.append(py::str(first));
  }
  value = a.attr("__getitem__")(index).cast<double>();
  return sampo::format_value(value) + " at " + idx + "]";
}

}  // namespace

std::string shape_string(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t k = 0; k < a.ndim(); ++k) {
    if (k > 0) s.append(", ");
    s.append(std::to_string(a.shape(k)));
  }
  if (a.ndim() == 1) s.append(",");
  return s.append(")");
}

MatrixArg::MatrixArg(const py::handle& obj, const char* function, const char* name,
                     Layout layout)
    : array_(as_float64_array(obj, function, name)) {
  if (array_.ndim() != 2) {
    std::string msg = prefix(function, name);
    msg.append(" must be a 2-D array, got shape ").append(shape_string(array_));
    value_error(msg);
  }
  const auto rows = static_cast<Eigen::Index>(array_.shape(0));
  const auto cols = static_cast<Eigen::Index>(array_.shape(1));
  const auto* data = static_cast<const double*>(array_.data());
  const py::ssize_t s0 = array_.strides(0), s1 = array_.strides(1);
  const auto elems = [](py::ssize_t bytes) { return static_cast<Eigen::Index>(bytes / 8); };
  const bool aligned = s0 % 8 == 0 && s1 % 8 == 0 && s0 >= 0 && s1 >= 0;
  using MapT = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
  if (aligned && (rows <= 1 || s0 == 8) && (cols <= 1 || elems(s1) >= rows)) {
    // Fortran order (or a column-major slice): viewed in place.
    new (&view_) MapT(data, rows, cols, Eigen::OuterStride<>(cols <= 1 ? rows : elems(s1)));
  } else if (layout == Layout::symmetric && rows == cols && aligned && s1 == 8 &&
             elems(s0) >= cols) {
    // C order, symmetric: the column-major reading is the transpose, which is the matrix.
    new (&view_) MapT(data, cols, rows, Eigen::OuterStride<>(elems(s0)));
  } else {
    copy_.emplace(rows, cols);
    const auto u = array_.unchecked<double, 2>();
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index i = 0; i < rows; ++i) (*copy_)(i, j) = u(i, j);
    new (&view_) MapT(copy_->data(), rows, cols, Eigen::OuterStride<>(rows));
  }
  if (!view_.allFinite()) {
    std::string msg = prefix(function, name);
    msg.append(" has a non-finite entry ").append(first_non_finite(array_));
    value_error(msg);
  }
}

Eigen::VectorXd vector_arg(const py::handle& obj, const char* function, const char* name,
                           bool allow_none) {
  if (allow_none && obj.is_none()) return {};
  const py::array a = as_float64_array(obj, function, name);
  if (a.ndim() != 1) {
    std::string msg = prefix(function, name);
    msg.append(" must be a 1-D array, got shape ").append(shape_string(a));
    value_error(msg);
  }
  const auto u = a.unchecked<double, 1>();
  Eigen::VectorXd v(u.shape(0));
  for (py::ssize_t i = 0; i < u.shape(0); ++i) v(i) = u(i);
  if (!v.allFinite()) {
    std::string msg = prefix(function, name);
    msg.append(" has a non-finite entry ").append(first_non_finite(a));
    value_error(msg);
  }
  return v;
}

std::vector<Eigen::MatrixXd> matrices_arg(const py::handle& obj, const char* function,
                                          const char* name) {
  std::vector<Eigen::MatrixXd> out;
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    const auto seq = py::reinterpret_borrow<py::sequence>(obj);
    out.reserve(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) {
      const std::string element = std::string(name) + "[" + std::to_string(i) + "]";
      const MatrixArg m(seq[i], function, element.c_str());
      out.emplace_back(m.ref());
    }
    return out;
  }
  const py::array a = as_float64_array(obj, function, name);
  if (a.ndim() != 3) {
    std::string msg = prefix(function, name);
    msg.append(" must be a 3-D array (n, rows, cols) or a list of 2-D arrays, got shape ")
        .append(shape_string(a));
    value_error(msg);
  }
  const auto u = a.unchecked<double, 3>();
  out.reserve(static_cast<std::size_t>(u.shape(0)));
  for (py::ssize_t k = 0; k < u.shape(0); ++k) {
    Eigen::MatrixXd m(u.shape(1), u.shape(2));
    for (py::ssize_t j = 0; j < u.shape(2); ++j)
      for (py::ssize_t i = 0; i < u.shape(1); ++i) m(i, j) = u(k, i, j);
    out.push_back(std::move(m));
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (!out[k].allFinite()) {
      std::string msg = prefix(function, name);
      msg.append(" has a non-finite entry ").append(first_non_finite(a));
      value_error(msg);
    }
  }
  return out;
}

std::vector<int> labels_arg(const py::handle& obj, const char* function, const char* name) {
  const py::array a = py::module_::import("numpy").attr("asarray")(obj);
  const std::string kind(1, a.dtype().kind());
  if (a.ndim() != 1 || (kind != "i" && kind != "u")) {
    std::string msg = prefix(function, name);
    msg.append(" must be a 1-D array of integer labels, got shape ").append(shape_string(a))
        .append(" of dtype ").append(py::str(a.dtype()));
    throw py::type_error(msg);
  }
  const py::array_t<long long> ints = py::module_::import("numpy").attr("asarray")(a, "int64");
  const auto u = ints.unchecked<1>();
  std::vector<int> out(static_cast<std::size_t>(u.shape(0)));
  for (py::ssize_t i = 0; i < u.shape(0); ++i) {
    if (u(i) < -2147483648LL || u(i) > 2147483647LL) {
      std::string msg = prefix(function, name);
      msg.append(" has label ").append(std::to_string(u(i))).append(", outside the int range");
      value_error(msg);
    }
    out[static_cast<std::size_t>(i)] = static_cast<int>(u(i));
  }
  return out;
}

py::array_t<double> to_array(const std::vector<Eigen::MatrixXd>& ms) {
  const py::ssize_t n = static_cast<py::ssize_t>(ms.size());
  const py::ssize_t r = ms.empty() ? 0 : ms[0].rows();
  const py::ssize_t c = ms.empty() ? 0 : ms[0].cols();
  py::array_t<double> out({n, r, c});
  double* p = out.mutable_data();
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  for (py::ssize_t k = 0; k < n; ++k)
    Eigen::Map<RowMajor>(p + k * r * c, r, c) = ms[static_cast<std::size_t>(k)];
  return out;
}

// ---- Ctrl-C -------------------------------------------------------------------------------

namespace {
std::atomic<CancellationFlag*> g_flag{nullptr};  // lock-free: safe to load in a handler
volatile std::sig_atomic_t g_hit = 0;
bool g_active = false;            // an Interruptible is installed (guarded by the GIL)
struct sigaction g_previous {};   // Python's handler while ours is installed
unsigned long g_main_thread = 0;  // PyThread ident of the main thread

extern "C" void on_sigint(int) {
  g_hit = 1;
  if (CancellationFlag* f = g_flag.load()) f->cancel();
}
}  // namespace

void remember_main_thread() {
  g_main_thread =
      py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
}

Interruptible::Interruptible() {
  if (g_active || PyThread_get_thread_ident() != g_main_thread) return;
  struct sigaction current {};
  if (sigaction(SIGINT, nullptr, &current) != 0) return;
  // SIG_IGN or SIG_DFL set from Python (signal.signal): respect them, do not intercept.
  if (!(current.sa_flags & SA_SIGINFO) &&
      (current.sa_handler == SIG_IGN || current.sa_handler == SIG_DFL))
    return;
  struct sigaction ours {};
  ours.sa_handler = on_sigint;
  sigemptyset(&ours.sa_mask);
  ours.sa_flags = 0;
  g_hit = 0;
  g_flag.store(&flag_);
  if (sigaction(SIGINT, &ours, &g_previous) != 0) {
    g_flag.store(nullptr);
    return;
  }
  g_active = true;
  installed_ = true;
}

void Interruptible::restore() noexcept {
  if (!installed_) return;
  sigaction(SIGINT, &g_previous, nullptr);
  g_flag.store(nullptr);
  g_active = false;
  installed_ = false;
}

Interruptible::~Interruptible() { restore(); }

void Interruptible::finish() {
  const bool hit = installed_ && g_hit != 0;
  restore();
  if (!hit) return;
  g_hit = 0;
#if PY_VERSION_HEX >= 0x030A0000
  PyErr_SetInterruptEx(SIGINT);
#else
  PyErr_SetInterrupt();
#endif
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// ---- exceptions and Run --------------------------------------------------------------------

void register_exceptions(py::module_& m) {
  static py::exception<sampo::numerical_error> numerical(m, "NumericalError",
                                                          PyExc_ArithmeticError);
  static py::exception<sampo::not_spd_error> not_spd(m, "NotSPDError", PyExc_ValueError);
  numerical.doc() =
      "A computation that cannot go on on the given numbers (sampo::numerical_error).";
  not_spd.doc() =
      "A matrix that must be symmetric positive definite is not, by sampo's SPD rule "
      "(sampo::not_spd_error); a ValueError.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const sampo::not_spd_error& e) {
      PyErr_SetString(not_spd.ptr(), e.what());
    } catch (const sampo::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const sampo::io_error& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const sampo::numerical_error& e) {
      PyErr_SetString(numerical.ptr(), e.what());
    }
  });
}

void bind_run(py::module_& m) {
  py::class_<sampo::Run>(m, "Run",
                         "How a sampo algorithm stopped: termination, message, iterations, "
                         "evaluations, seconds (sampo::Run).")
      .def_property_readonly(
          "termination", [](const sampo::Run& r) { return std::string(to_string(r.termination)); },
          "'converged', 'max_iterations', 'max_evaluations', 'numerical_failure', "
          "'user_stopped' or 'discontinuity_suspected'")
      .def_readonly("message", &sampo::Run::message, "one sentence: why it stopped, where")
      .def_readonly("iterations", &sampo::Run::iterations, "passes / outer iterations")
      .def_readonly("evaluations", &sampo::Run::evaluations,
                    "calls of the user's function (or matrix logarithms for means)")
      .def_readonly("seconds", &sampo::Run::seconds, "wall-clock time of the run")
      .def_property_readonly("converged", &sampo::Run::converged)
      .def("brief_report", &sampo::Run::brief_report)
      .def("__repr__", [](const sampo::Run& r) {
        std::string s = "Run(termination='";
        s.append(to_string(r.termination)).append("', iterations=")
            .append(std::to_string(r.iterations)).append(", evaluations=")
            .append(std::to_string(r.evaluations)).append(", seconds=")
            .append(sampo::format_value(r.seconds)).append(", message=")
            .append(py::repr(py::str(r.message))).append(")");
        return s;
      });
}

Repr::Repr(std::string_view type) : s_(type) { s_.append("("); }

Repr& Repr::literal(std::string_view key, std::string_view value) {
  if (!first_) s_.append(", ");
  first_ = false;
  s_.append(key).append("=").append(value);
  return *this;
}
Repr& Repr::number(std::string_view key, double value) { return literal(key, format_value(value)); }
Repr& Repr::count(std::string_view key, long long value) {
  return literal(key, std::to_string(value));
}
Repr& Repr::flag(std::string_view key, bool value) { return literal(key, value ? "True" : "False"); }
Repr& Repr::text(std::string_view key, std::string_view value) {
  return literal(key, py::repr(py::str(std::string(value))).cast<std::string>());
}
Repr& Repr::run(const sampo::Run& value) {
  return literal("run", py::repr(py::cast(value)).cast<std::string>());
}
std::string Repr::str() const { return s_ + ")"; }

}  // namespace sampo::python
