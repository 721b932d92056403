#pragma once
/// @file
/// Zero-copy views between Armadillo and Eigen (header-only; include it only if you use
/// Armadillo, and link Armadillo yourself). sampo's functions take and return Eigen types;
/// these adapters let Armadillo users call them without copying.
///
/// Both libraries store dense double matrices column-major with no padding, so a view only
/// reinterprets the same memory: writes through a view are seen by the owner, and vice versa.
///
/// Lifetime: a view does not own its memory. It is valid only while the viewed object lives
/// and is not resized or reassigned to a different size (which may reallocate); using it
/// afterwards is undefined behaviour. Copy (`Eigen::MatrixXd(view)`, `arma::mat(view)` via
/// a copy of the returned object) when the result must outlive the source.
///
///     arma::mat X(100, 5, arma::fill::randu);
///     auto lev = sampo::linalg::leverage_scores(sampo::interop::as_eigen(X));  // no copy
///     double total = lev.scores.sum();  // = rank(X) = 5 (tests/interop runs this example)

#include <Eigen/Core>
#include <armadillo>

namespace sampo::interop {

/// A writable Eigen view of an Armadillo matrix (same data pointer, same shape).
inline Eigen::Map<Eigen::MatrixXd> as_eigen(arma::mat& m) {
  return {m.memptr(), static_cast<Eigen::Index>(m.n_rows), static_cast<Eigen::Index>(m.n_cols)};
}

/// A read-only Eigen view of an Armadillo matrix.
inline Eigen::Map<const Eigen::MatrixXd> as_eigen(const arma::mat& m) {
  return {m.memptr(), static_cast<Eigen::Index>(m.n_rows), static_cast<Eigen::Index>(m.n_cols)};
}

/// A writable Eigen view of an Armadillo column vector.
inline Eigen::Map<Eigen::VectorXd> as_eigen(arma::vec& v) {
  return {v.memptr(), static_cast<Eigen::Index>(v.n_elem)};
}

/// A read-only Eigen view of an Armadillo column vector.
inline Eigen::Map<const Eigen::VectorXd> as_eigen(const arma::vec& v) {
  return {v.memptr(), static_cast<Eigen::Index>(v.n_elem)};
}

/// An Armadillo matrix using the memory of @p m (auxiliary-memory constructor with
/// copy_aux_mem = false, strict = true: it never reallocates, so a size-changing operation on
/// it throws in Armadillo instead of silently detaching). Writes are seen on both sides.
/// Keep @p m alive, and do not resize it, while the returned matrix is in use; copying the
/// returned arma::mat into another arma::mat copies the data.
inline arma::mat as_arma(Eigen::MatrixXd& m) {
  return arma::mat(m.data(), static_cast<arma::uword>(m.rows()), static_cast<arma::uword>(m.cols()),
                   /*copy_aux_mem=*/false, /*strict=*/true);
}

/// An Armadillo column vector using the memory of @p v (as as_arma for matrices).
inline arma::vec as_arma(Eigen::VectorXd& v) {
  return arma::vec(v.data(), static_cast<arma::uword>(v.size()), /*copy_aux_mem=*/false,
                   /*strict=*/true);
}

}  // namespace sampo::interop
