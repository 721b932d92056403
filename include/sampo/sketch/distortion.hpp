#pragma once
/// @file
/// Distortion of an ℓp sample: D = sup_{x ≠ 0} |f(x) − 1| with f(x) = ‖SAx‖_p^p / ‖Ax‖_p^p
/// (SA: the rescaled sampled rows, sketch::sample_rows), i.e. max(f_max − 1, 1 − f_min).
///
/// - p = 2: **exact**. With A = U·T⁻¹ on its range (U orthonormal), f_max and f_min are the
///   extreme squared singular values of (SA)·T, i.e. the generalized eigenvalues of
///   ((SA)ᵀSA, AᵀA) on range(A).
/// - p ≠ 2: a **lower bound** on D: the best of multi-start ascent on log f and descent on
///   log f (normalized gradient steps with backtracking), from the directions of the rows with
///   the highest leverage (each row's ℓ2 sensitivity maximizer x = T u_i), the coordinate
///   directions of the basis, the extreme right singular vectors of SA on range(A) (the ℓ2
///   extremes; when SA has rank below rank(A), e.g. fewer rows than d, the last one has
///   SAx = 0, so f_min = 0 is found exactly), and Gaussian directions of
///   RandomStream(seed, 0, start). Every
///   evaluated f is an attained value, so f_min and f_max are inner bounds of the true range.
/// SA must live in range(A)'s coordinates: the same d columns as A.

#include <cstddef>
#include <cstdint>

#include "sampo/core/eigen.hpp"
#include "sampo/core/termination.hpp"

namespace sampo::sketch {

/// Options of distortion.
struct DistortionOptions {
  std::size_t random_starts = 16;  ///< Gaussian starts (p ≠ 2)
  std::size_t row_starts = 16;     ///< starts from the highest-leverage rows (p ≠ 2)
  std::size_t iterations = 100;    ///< ascent / descent steps per start (p ≠ 2)
  std::uint64_t seed = 0;          ///< seed of the Gaussian starts

  /// @throw sampo::invalid_argument naming the field if iterations = 0.
  void validate() const;
};

/// Result of distortion.
struct DistortionResult {
  double distortion = 0.0;  ///< max(f_max − 1, 1 − f_min): exact (p = 2) or a lower bound
  double f_min = 1.0;       ///< smallest ‖SAx‖_p^p/‖Ax‖_p^p found (exact for p = 2)
  double f_max = 1.0;       ///< largest found (exact for p = 2)
  bool exact = false;       ///< true for p = 2 and for an empty sample (f ≡ 0, D = 1)
  Run run;                  ///< iterations = ascent steps, evaluations = f evaluations
};

/// Distortion of the sample @p sa of @p a in ℓp (see the file comment).
/// @param a  n x d, n >= d, finite, not all zero.
/// @param sa m x d (any m >= 0), finite.
/// @throw sampo::invalid_argument on bad input (naming the argument), e.g. a column count of
///        @p sa different from @p a's.
[[nodiscard]] DistortionResult distortion(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                          const Eigen::Ref<const Eigen::MatrixXd>& sa, double p,
                                          const DistortionOptions& options = {});

}  // namespace sampo::sketch
