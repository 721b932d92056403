#pragma once
// linalg-internal: R of a sparse tall A by row blocks, without argument checks, for linalg's own
// callers that have checked their input (sparse_qr_r and the sparse QR route of leverage_scores).
#include <Eigen/SparseCore>
#include <string_view>

#include "sampo/core/eigen.hpp"

namespace sampo::linalg::detail {

/// The checks of a sparse tall input, named 'a': not empty, rows >= cols (else "thin QR needs" /
/// "leverage scores need": `need` completes the message), every stored entry finite (the dense
/// overloads' check_finite message).
void check_sparse_tall(std::string_view fn, const Eigen::SparseMatrix<double>& a,
                       std::string_view need);

/// sparse_qr_r() without the argument checks and without the sign normalization of diag(R).
Eigen::MatrixXd sparse_qr_r_unchecked(const Eigen::SparseMatrix<double, Eigen::RowMajor>& a);

}  // namespace sampo::linalg::detail
