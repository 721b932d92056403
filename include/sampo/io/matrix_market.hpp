#pragma once
/// @file
/// Matrix Market files (NIST's exchange format, `.mtx`): the `array` (dense, column-major) and
/// `coordinate` (sparse triplets) layouts with `real`, `integer` or `pattern` entries and
/// `general`, `symmetric` or `skew-symmetric` symmetry. `complex` and `hermitian` are refused.
/// Indices are 1-based in the file. A coordinate file's duplicate entries are summed (as
/// scipy.io.mmread does); a symmetric file stores one triangle and the other is mirrored.
///
/// Every defect — no `%%MatrixMarket` banner, an unknown or unsupported qualifier, a size line
/// that is not 2 (array) or 3 (coordinate) non-negative integers, an index out of range, an
/// entry above the diagonal of a symmetric file, a non-finite or unparsable value, too few or
/// too many entries — throws sampo::io_error naming the file and the line.

#include <filesystem>

#include "sampo/core/eigen.hpp"  // first: sampo's Eigen settings

#include <Eigen/SparseCore>

namespace sampo::io {

/// The matrix of a Matrix Market file, dense. @throw sampo::io_error (see the file comment).
[[nodiscard]] Eigen::MatrixXd read_matrix_market(const std::filesystem::path& path);

/// The matrix of a Matrix Market file, as a compressed sparse matrix (an `array` file too).
/// @throw sampo::io_error (see the file comment).
[[nodiscard]] Eigen::SparseMatrix<double> read_matrix_market_sparse(const std::filesystem::path& path);

}  // namespace sampo::io
