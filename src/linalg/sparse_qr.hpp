#pragma once
// linalg-internal: R of a sparse tall A by row blocks, without argument checks, for linalg's own
// callers that have checked their input (sparse_qr_r and the sparse QR route of leverage_scores).
#include <Eigen/SparseCore>

#include "sampo/core/eigen.hpp"

namespace sampo::linalg::detail {

/// sparse_qr_r() without the argument checks and without the sign normalization of diag(R).
Eigen::MatrixXd sparse_qr_r_unchecked(const Eigen::SparseMatrix<double, Eigen::RowMajor>& a);

}  // namespace sampo::linalg::detail
