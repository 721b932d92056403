#pragma once
// The layer every binding shares: NumPy arrays in (checked, viewed without a copy where the
// layout allows), sampo exceptions out as Python exceptions, Ctrl-C as a CancellationFlag.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/core/cancellation.hpp"
#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"
#include "sampo/parallel/cancellation.hpp"

namespace sampo::python {

namespace py = pybind11;

/// How a C-order (row-major) 2-D array may be handed to a column-major Eigen::Ref.
enum class Layout {
  general,    ///< any matrix: a C-order array is copied once into column-major storage
  symmetric,  ///< a symmetric matrix: a C-order array is read as its own transpose, no copy
};

/// A float64 2-D array seen as `Eigen::Ref<const Eigen::MatrixXd>`. Fortran-order arrays (and,
/// for Layout::symmetric, C-order ones) are viewed in place; other layouts are copied once.
/// Rejects (naming @p function and @p name) a non-float64 dtype with TypeError, a wrong number
/// of dimensions, an empty shape or a non-finite entry with ValueError.
class MatrixArg {
 public:
  MatrixArg(const py::handle& obj, const char* function, const char* name,
            Layout layout = Layout::general);
  [[nodiscard]] Eigen::Ref<const Eigen::MatrixXd> ref() const { return view_; }
  /// True when the data was copied (tests check the no-copy promise through this).
  [[nodiscard]] bool copied() const noexcept { return copy_.has_value(); }

 private:
  py::array array_;                       // keeps the viewed memory alive
  std::optional<Eigen::MatrixXd> copy_;   // set when the layout needed a copy
  Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>> view_{nullptr, 0, 0,
                                                                   Eigen::OuterStride<>(1)};
};

/// A float64 1-D array (or an empty VectorXd for None when @p allow_none) as a VectorXd copy,
/// checked as MatrixArg.
Eigen::VectorXd vector_arg(const py::handle& obj, const char* function, const char* name,
                           bool allow_none = false);

/// A stack of matrices: a 3-D float64 array (n, r, c) or a sequence of 2-D arrays (whose
/// column counts may differ: trials of different lengths). Copied into the std::vector the
/// C++ API takes. Checked as MatrixArg; a bad element is named "name[i]".
std::vector<Eigen::MatrixXd> matrices_arg(const py::handle& obj, const char* function,
                                          const char* name);

/// Integer class labels of length n as a std::vector<int>.
std::vector<int> labels_arg(const py::handle& obj, const char* function, const char* name);

/// A stack of equally sized matrices as a C-order (n, r, c) float64 array.
py::array_t<double> to_array(const std::vector<Eigen::MatrixXd>& ms);

/// "(3, 4)" / "(5,)": an array's shape as NumPy prints it.
std::string shape_string(const py::array& a);

/// Makes Ctrl-C cancel a long C++ call that runs with the GIL released. While alive (and only
/// in the main thread, when Python's SIGINT handler is installed and no outer guard is
/// active), SIGINT raises flag() instead of Python's own handler; finish() restores Python's
/// handler and, if SIGINT came, hands it to Python, which raises KeyboardInterrupt (or runs
/// the user's handler). Construct and finish with the GIL held.
class Interruptible {
 public:
  Interruptible();
  ~Interruptible();
  Interruptible(const Interruptible&) = delete;
  Interruptible& operator=(const Interruptible&) = delete;
  /// The flag for the C++ Options (never null).
  [[nodiscard]] const CancellationFlag* flag() const noexcept { return &flag_; }
  /// Restores the handler; raises the pending KeyboardInterrupt (throws error_already_set).
  void finish();

 private:
  void restore() noexcept;
  CancellationFlag flag_;
  bool installed_ = false;
};

/// Runs @p f(flag) with the GIL released under an Interruptible: a Ctrl-C raises the flag, and
/// KeyboardInterrupt is raised when f returns (its result, cut short, is dropped) or when the
/// batch runner gives up with parallel::cancelled_error.
template <class F>
auto run_interruptible(F&& f) {
  Interruptible guard;
  try {
    auto result = [&] {
      py::gil_scoped_release release;
      return f(guard.flag());
    }();
    guard.finish();
    return result;
  } catch (const sampo::parallel::cancelled_error&) {
    guard.finish();
    throw;
  }
}

/// Registers the exception classes (sampo.NumericalError, sampo.NotSPDError) and the
/// translator of sampo's C++ exceptions on @p m.
void register_exceptions(py::module_& m);

/// Records the main thread (called once at import).
void remember_main_thread();

/// Binds sampo::Run as sampo.Run on @p m.
void bind_run(py::module_& m);

/// The repr of a result object, "Type(key=value, ...)": numbers as sampo::format_value writes
/// them (integers exactly), text quoted, booleans as Python's, a Run as sampo.Run's repr.
class Repr {
 public:
  explicit Repr(std::string_view type);
  Repr& number(std::string_view key, double value);
  Repr& count(std::string_view key, long long value);
  Repr& flag(std::string_view key, bool value);
  Repr& text(std::string_view key, std::string_view value);
  Repr& run(const sampo::Run& value);
  /// key=<literal>, written as given (e.g. "[lo, hi]").
  Repr& literal(std::string_view key, std::string_view value);
  [[nodiscard]] std::string str() const;

 private:
  std::string s_;
  bool first_ = true;
};

void bind_knots(py::module_& m);
void bind_riemann(py::module_& m);
void bind_riemann_evaluation(py::module_& m);
void bind_learn(py::module_& m);
void bind_signal(py::module_& m);
void bind_mc(py::module_& m);
void bind_bilevel(py::module_& m);
void bind_sketch(py::module_& m);
void bind_cav(py::module_& m);

}  // namespace sampo::python
