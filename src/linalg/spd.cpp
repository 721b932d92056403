#include "sampo/linalg/spd.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "kernels.hpp"
#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/linalg/symmetric.hpp"

namespace sampo::linalg {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SymmetricEigen decompose(std::string_view function, const Eigen::Ref<const Eigen::MatrixXd>& a,
                         bool require_spd) {
  check_symmetric(function, "a", a);
  Eigen::MatrixXd s = a;
  symmetrize_in_place(s);
  const Eigen::Index n = s.rows();
  SymmetricEigen e{Eigen::VectorXd(n), Eigen::MatrixXd(n, n)};
  if (!detail::dense_kernels().symmetric_eigen(n, s.data(), e.values.data(), e.vectors.data()))
    throw_numerical_error(function, "the symmetric eigensolver did not converge");
  if (require_spd) check_spd_eigenvalues(function, "a", e.values);
  return e;
}

/// The batched decompositions: the checks of decompose() on each as[i], then one kernel call.
void decompose_batch(std::string_view function, std::span<const Eigen::MatrixXd> as,
                     bool require_spd, std::vector<Eigen::VectorXd>& values,
                     std::vector<Eigen::MatrixXd>* vectors) {
  const std::size_t count = as.size();
  values.assign(count, Eigen::VectorXd());
  if (count == 0) return;
  const Eigen::Index n = as[0].rows();
  std::vector<Eigen::MatrixXd> sym(count);
  std::vector<const double*> in(count);
  std::vector<double*> out_values(count), out_vectors(vectors != nullptr ? count : 0);
  if (vectors != nullptr) vectors->assign(count, Eigen::MatrixXd());
  for (std::size_t i = 0; i < count; ++i) {
    const std::string name = "as[" + std::to_string(i) + "]";
    check_shape(function, name, as[i], n, n);
    check_symmetric(function, name, as[i]);
    sym[i] = as[i];
    symmetrize_in_place(sym[i]);
    in[i] = sym[i].data();
    values[i].resize(n);
    out_values[i] = values[i].data();
    if (vectors != nullptr) {
      (*vectors)[i].resize(n, n);
      out_vectors[i] = (*vectors)[i].data();
    }
  }
  const std::unique_ptr<bool[]> ok(new bool[count]);
  detail::dense_kernels().symmetric_eigen_batch(
      n, static_cast<std::ptrdiff_t>(count), in.data(), out_values.data(),
      vectors != nullptr ? out_vectors.data() : nullptr, ok.get());
  for (std::size_t i = 0; i < count; ++i) {
    if (!ok[i])
      throw_numerical_error(function, "the symmetric eigensolver did not converge on as[" +
                                          std::to_string(i) + "]");
    if (require_spd) check_spd_eigenvalues(function, "as[" + std::to_string(i) + "]", values[i]);
  }
}

std::vector<SymmetricEigen> decompositions(std::string_view function,
                                           std::span<const Eigen::MatrixXd> as, bool require_spd) {
  std::vector<Eigen::VectorXd> values;
  std::vector<Eigen::MatrixXd> vectors;
  decompose_batch(function, as, require_spd, values, &vectors);
  std::vector<SymmetricEigen> out(as.size());
  for (std::size_t i = 0; i < as.size(); ++i)
    out[i] = SymmetricEigen{std::move(values[i]), std::move(vectors[i])};
  return out;
}

/// Checks that @p e is a plausible decomposition (and SPD if asked).
void check_decomposition(std::string_view function, const SymmetricEigen& e, bool require_spd) {
  check_nonempty(function, "e.values", static_cast<std::size_t>(e.values.size()));
  check_shape(function, "e.vectors", e.vectors, e.size(), e.size());
  check_finite(function, "e.values", e.values);
  if (require_spd) check_spd_eigenvalues(function, "e", e.values);
}

/// Throws numerical_error unless every value is a normal positive double (the eigenvalues of
/// an SPD result).
void check_spd_values(std::string_view function, const Eigen::VectorXd& v, std::string_view what) {
  for (Eigen::Index j = 0; j < v.size(); ++j)
    if (!(std::isfinite(v(j)) && v(j) >= std::numeric_limits<double>::min()))
      throw_numerical_error(function, std::string(what) + " of eigenvalue " + std::to_string(j) +
                                          " is " + format_value(v(j)) +
                                          ", not a positive normal double (overflow or underflow)");
}

Eigen::MatrixXd power_of(std::string_view function, const SymmetricEigen& e, double p) {
  Eigen::VectorXd f(e.size());
  for (Eigen::Index j = 0; j < e.size(); ++j) f(j) = std::pow(e.values(j), p);
  check_spd_values(function, f, "the power");
  return reconstruct(e, f);
}

Eigen::MatrixXd log_of(const SymmetricEigen& e) {
  return reconstruct(e, e.values.array().log().matrix());
}

Eigen::MatrixXd exp_of(std::string_view function, const SymmetricEigen& e) {
  Eigen::VectorXd f = e.values.array().exp().matrix();
  check_spd_values(function, f, "the exponential");
  return reconstruct(e, f);
}

}  // namespace

double SymmetricEigen::min_eigenvalue() const noexcept {
  return values.size() ? values.minCoeff() : kNaN;
}
double SymmetricEigen::max_eigenvalue() const noexcept {
  return values.size() ? values.maxCoeff() : kNaN;
}
double SymmetricEigen::condition_number() const noexcept {
  const double lo = min_eigenvalue();
  if (!(lo > 0)) return lo == lo ? std::numeric_limits<double>::infinity() : kNaN;
  return max_eigenvalue() / lo;
}

SymmetricEigen symmetric_eigen(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  return decompose("sampo::linalg::symmetric_eigen", a, false);
}

SymmetricEigen spd_eigen(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  return decompose("sampo::linalg::spd_eigen", a, true);
}

std::vector<SymmetricEigen> symmetric_eigen_batch(std::span<const Eigen::MatrixXd> as) {
  return decompositions("sampo::linalg::symmetric_eigen_batch", as, false);
}

std::vector<SymmetricEigen> spd_eigen_batch(std::span<const Eigen::MatrixXd> as) {
  return decompositions("sampo::linalg::spd_eigen_batch", as, true);
}

namespace {

Eigen::MatrixXd log_sum(std::span<const Eigen::MatrixXd> xs, std::span<const double> weights,
                        const Eigen::Ref<const Eigen::MatrixXd>& w, bool check_xs) {
  constexpr std::string_view fn = "sampo::linalg::weighted_log_sum";
  check_nonempty(fn, "xs", xs.size());
  if (weights.size() != xs.size())
    throw_invalid_argument(fn, "weights", {},
                           "has " + std::to_string(weights.size()) + " entries for " +
                               std::to_string(xs.size()) + " matrices");
  const Eigen::Index n = xs[0].rows();
  const std::size_t count = xs.size();
  std::vector<const double*> in(count);
  std::vector<Eigen::VectorXd> values(count, Eigen::VectorXd(n));
  std::vector<double*> out_values(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (check_xs) {
      const std::string name = "xs[" + std::to_string(i) + "]";
      check_shape(fn, name, xs[i], n, n);
      check_symmetric(fn, name, xs[i]);
    }
    if (!std::isfinite(weights[i])) check_finite(fn, "weights[" + std::to_string(i) + "]", weights[i]);
    in[i] = xs[i].data();
    out_values[i] = values[i].data();
  }
  Eigen::MatrixXd w_store;
  const double* w_data = nullptr;
  if (w.size() != 0) {
    check_shape(fn, "w", w, n, n);
    check_finite(fn, "w", w);
    w_store = w;
    w_data = w_store.data();
  }
  Eigen::MatrixXd out(n, n);
  const std::unique_ptr<bool[]> ok(new bool[count]);
  detail::dense_kernels().log_congruence_sum(n, static_cast<std::ptrdiff_t>(count), w_data,
                                             in.data(), weights.data(), out.data(),
                                             out_values.data(), ok.get());
  for (std::size_t i = 0; i < count; ++i) {
    if (ok[i] && is_spd_spectrum(n, values[i].minCoeff(), values[i].maxCoeff()) &&
        values[i].allFinite())
      continue;
    const std::string name = "xs[" + std::to_string(i) + "]";
    if (!ok[i])
      throw_numerical_error(fn, "the symmetric eigensolver did not converge on W " + name + " Wᵀ");
    check_spd_eigenvalues(fn, name, values[i]);
  }
  return out;
}

}  // namespace

Eigen::MatrixXd weighted_log_sum(std::span<const Eigen::MatrixXd> xs,
                                 std::span<const double> weights,
                                 const Eigen::Ref<const Eigen::MatrixXd>& w) {
  return log_sum(xs, weights, w, true);
}

namespace detail {
Eigen::MatrixXd weighted_log_sum_unchecked(std::span<const Eigen::MatrixXd> xs,
                                           std::span<const double> weights,
                                           const Eigen::Ref<const Eigen::MatrixXd>& w) {
  return log_sum(xs, weights, w, false);
}
}  // namespace detail

namespace {

std::vector<Eigen::VectorXd> congruence_eigenvalues(std::span<const Eigen::MatrixXd> xs,
                                                    const Eigen::Ref<const Eigen::MatrixXd>& w,
                                                    bool check_xs) {
  constexpr std::string_view fn = "sampo::linalg::congruence_eigenvalues_batch";
  const std::size_t count = xs.size();
  std::vector<Eigen::VectorXd> values(count);
  if (count == 0) return values;
  const Eigen::Index n = xs[0].rows();
  std::vector<const double*> in(count);
  std::vector<double*> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (check_xs) {
      const std::string name = "xs[" + std::to_string(i) + "]";
      check_shape(fn, name, xs[i], n, n);
      check_symmetric(fn, name, xs[i]);
    }
    in[i] = xs[i].data();
    values[i].resize(n);
    out[i] = values[i].data();
  }
  Eigen::MatrixXd w_store;
  if (w.size() != 0) {
    check_shape(fn, "w", w, n, n);
    check_finite(fn, "w", w);
    w_store = w;
  }
  const std::unique_ptr<bool[]> ok(new bool[count]);
  detail::dense_kernels().congruence_eigenvalues(n, static_cast<std::ptrdiff_t>(count),
                                                 w.size() != 0 ? w_store.data() : nullptr,
                                                 in.data(), out.data(), ok.get());
  for (std::size_t i = 0; i < count; ++i)
    if (!ok[i])
      throw_numerical_error(fn, "the symmetric eigensolver did not converge on W xs[" +
                                    std::to_string(i) + "] Wᵀ");
  return values;
}

}  // namespace

std::vector<Eigen::VectorXd> congruence_eigenvalues_batch(std::span<const Eigen::MatrixXd> xs,
                                                          const Eigen::Ref<const Eigen::MatrixXd>& w) {
  return congruence_eigenvalues(xs, w, true);
}

namespace detail {
std::vector<Eigen::VectorXd> congruence_eigenvalues_batch_unchecked(
    std::span<const Eigen::MatrixXd> xs, const Eigen::Ref<const Eigen::MatrixXd>& w) {
  return congruence_eigenvalues(xs, w, false);
}
}  // namespace detail

std::vector<Eigen::VectorXd> symmetric_eigenvalues_batch(std::span<const Eigen::MatrixXd> as) {
  std::vector<Eigen::VectorXd> values;
  decompose_batch("sampo::linalg::symmetric_eigenvalues_batch", as, false, values, nullptr);
  return values;
}

Eigen::MatrixXd reconstruct(const SymmetricEigen& e,
                            const Eigen::Ref<const Eigen::VectorXd>& f_values) {
  constexpr std::string_view fn = "sampo::linalg::reconstruct";
  check_shape(fn, "e.vectors", e.vectors, e.size(), e.size());
  check_shape(fn, "f_values", f_values, e.size(), 1);
  check_finite(fn, "f_values", f_values);
  // V diag(f) Vᵀ: scale the columns of V by f (an O(n²) loop, no diagonal matrix), one GEMM.
  const Eigen::VectorXd f = f_values;  // contiguous
  Eigen::MatrixXd out(e.size(), e.size());
  detail::dense_kernels().reconstruct(e.size(), e.vectors.data(), f.data(), out.data());
  symmetrize_in_place(out);
  return out;
}

namespace detail {
Eigen::MatrixXd reconstruct_checked(const SymmetricEigen& e, Eigen::VectorXd f_values,
                                    std::string_view function) {
  check_decomposition(function, e, false);
  for (Eigen::Index j = 0; j < f_values.size(); ++j)
    if (!std::isfinite(f_values(j)))
      throw_numerical_error(function, "f(" + format_value(e.values(j)) + ") = " +
                                          format_value(f_values(j)) + " is not finite");
  return reconstruct(e, f_values);
}
}  // namespace detail

Eigen::MatrixXd spd_sqrt(const SymmetricEigen& e) {
  check_decomposition("sampo::linalg::spd_sqrt", e, true);
  return reconstruct(e, e.values.cwiseSqrt());
}
Eigen::MatrixXd spd_sqrt(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  const auto e = decompose("sampo::linalg::spd_sqrt", a, true);
  return reconstruct(e, e.values.cwiseSqrt());
}

Eigen::MatrixXd spd_invsqrt(const SymmetricEigen& e) {
  check_decomposition("sampo::linalg::spd_invsqrt", e, true);
  return reconstruct(e, e.values.cwiseSqrt().cwiseInverse());
}
Eigen::MatrixXd spd_invsqrt(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  const auto e = decompose("sampo::linalg::spd_invsqrt", a, true);
  return reconstruct(e, e.values.cwiseSqrt().cwiseInverse());
}

Eigen::MatrixXd spd_log(const SymmetricEigen& e) {
  check_decomposition("sampo::linalg::spd_log", e, true);
  return log_of(e);
}
Eigen::MatrixXd spd_log(const Eigen::Ref<const Eigen::MatrixXd>& a) {
  return log_of(decompose("sampo::linalg::spd_log", a, true));
}

Eigen::MatrixXd spd_exp(const SymmetricEigen& e) {
  check_decomposition("sampo::linalg::spd_exp", e, false);
  return exp_of("sampo::linalg::spd_exp", e);
}
Eigen::MatrixXd spd_exp(const Eigen::Ref<const Eigen::MatrixXd>& s) {
  return exp_of("sampo::linalg::spd_exp", decompose("sampo::linalg::spd_exp", s, false));
}

Eigen::MatrixXd spd_power(const SymmetricEigen& e, double p) {
  constexpr std::string_view fn = "sampo::linalg::spd_power";
  check_finite(fn, "p", p);
  check_decomposition(fn, e, true);
  return power_of(fn, e, p);
}
Eigen::MatrixXd spd_power(const Eigen::Ref<const Eigen::MatrixXd>& a, double p) {
  constexpr std::string_view fn = "sampo::linalg::spd_power";
  check_finite(fn, "p", p);
  return power_of(fn, decompose(fn, a, true), p);
}

}  // namespace sampo::linalg
