#pragma once
/// @file
/// SciPy's sparse .npz files: what `scipy.sparse.save_npz` writes for a CSR or CSC matrix. The
/// file is a zip archive (deflate-compressed by default, stored with compressed=False) of .npy
/// members: `format` (b'csr' or b'csc'), `shape` (2 integers), `data` (the non-zeros),
/// `indices` (their column indices for CSR, row indices for CSC) and `indptr` (row or column
/// offsets, rows + 1 or cols + 1 of them). Other members are ignored; COO, BSR, DIA and LIL
/// files are refused (convert with `.tocsr()` before saving). Duplicate entries (a
/// non-canonical matrix) are summed, explicit zeros kept out.
///
/// Every defect — not a zip archive, an encrypted or otherwise unsupported member (methods
/// other than stored and deflate), a CRC mismatch, a member that claims more bytes than
/// deflate can expand to, a missing member, a member that is not a valid .npy (see
/// read_npy), non-integer indices, offsets that do not start at 0, decrease or end elsewhere
/// than at the non-zero count, an index outside the shape, a non-finite value — throws
/// sampo::io_error naming the file and the member. As for Matrix Market files, a read may
/// allocate 2^24 places for the dimension the file does not list offsets for, and beyond that
/// at most 64 per stored entry.

#include <filesystem>

#include "sampo/core/eigen.hpp"  // first: sampo's Eigen settings

#include <Eigen/SparseCore>

namespace sampo::io {

/// The CSR or CSC matrix of a `scipy.sparse.save_npz` file. @throw sampo::io_error (see the
/// file comment).
[[nodiscard]] Eigen::SparseMatrix<double> read_npz_sparse(const std::filesystem::path& path);

}  // namespace sampo::io
