#pragma once
/// @file
/// NumPy's .npy format: read and write arrays exchanged with Python.
///
/// Format (numpy.lib.format, versions 1.0, 2.0, 3.0): the magic string "\x93NUMPY", a major and
/// minor version byte, the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and
/// 3.0), and an ASCII (3.0: UTF-8) Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a
/// newline so that the data starts at a multiple of 64 bytes; then the raw data.
///
/// Reading accepts the dtypes float64/float32 ('<f8', '<f4'), signed and unsigned integers of
/// 1, 2, 4 and 8 bytes ('<i8', '<i4', '|u1', ...) and bool ('|b1'), in little- or big-endian
/// byte order, in C or Fortran order. Writing produces little-endian float64 ('<f8') or int64
/// ('<i8') in C order, version 1.0 (2.0 when the header would not fit in 65535 bytes).
///
/// NumPy users exchange n covariance matrices of size C x C as one n x C x C array
/// (`np.save("covs.npy", covs)`), read with read_npy_stack and written with write_npy_stack.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::io {

/// An N-dimensional array read from a .npy file, converted to double.
struct NpyArray {
  std::vector<std::size_t> shape;  ///< dimensions; empty for a 0-d (scalar) array
  std::vector<double> values;  ///< all entries in C (row-major) order, whatever the file's order
  std::string dtype;           ///< the file's descr, e.g. "<f8", "|u1", ">i4"

  /// Product of the dimensions (1 for a 0-d array).
  [[nodiscard]] std::size_t size() const noexcept;
};

/// Reads any supported .npy file into doubles (C order). Integers beyond 2^53 in magnitude
/// are rounded; use read_npy_int to read integers exactly.
/// @throw sampo::io_error naming the file and the fault: missing file, bad magic, unsupported
///        version, truncated header, malformed header dict, unsupported dtype, data shorter or
///        longer than the shape says.
[[nodiscard]] NpyArray read_npy(const std::filesystem::path& path);

/// Reads a 2-D array as a matrix (a 1-D array of length n gives an n x 1 column).
/// @throw sampo::io_error as read_npy, or if the array is not 1-D or 2-D.
[[nodiscard]] Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& path);

/// Reads a 1-D array (or a 2-D array with one row or one column) as a vector.
/// @throw sampo::io_error as read_npy, or for any other shape.
[[nodiscard]] Eigen::VectorXd read_npy_vector(const std::filesystem::path& path);

/// Reads a 3-D array of shape n x r x c as n matrices of size r x c (entry [k, i, j] of the
/// array is element (i, j) of matrix k).
/// @throw sampo::io_error as read_npy, or if the array is not 3-D.
[[nodiscard]] std::vector<Eigen::MatrixXd> read_npy_stack(const std::filesystem::path& path);

/// Reads integer labels exactly: an integer or bool array that is 1-D (or 2-D with one row or
/// one column); a float array is accepted only if every value is an integer within int64.
/// @throw sampo::io_error as read_npy, for another shape, for an unsigned value above
///        INT64_MAX, or for a non-integer float value.
[[nodiscard]] std::vector<std::int64_t> read_npy_int(const std::filesystem::path& path);

/// Writes a matrix as a 2-D '<f8' array (C order), atomically.
/// @throw sampo::io_error if the file cannot be written.
void write_npy_matrix(const std::filesystem::path& path,
                      const Eigen::Ref<const Eigen::MatrixXd>& m);

/// Writes a vector as a 1-D '<f8' array, atomically.
/// @throw sampo::io_error if the file cannot be written.
void write_npy_vector(const std::filesystem::path& path,
                      const Eigen::Ref<const Eigen::VectorXd>& v);

/// Writes n matrices, all r x c, as one n x r x c '<f8' array, atomically. An empty list
/// writes shape (0, 0, 0).
/// @throw sampo::invalid_argument naming the first matrix whose size differs from the first's.
/// @throw sampo::io_error if the file cannot be written.
void write_npy_stack(const std::filesystem::path& path, const std::vector<Eigen::MatrixXd>& stack);

/// Writes integers as a 1-D '<i8' array, atomically.
/// @throw sampo::io_error if the file cannot be written.
void write_npy_int(const std::filesystem::path& path, const std::vector<std::int64_t>& values);

/// Writes an NpyArray as '<f8' with its shape (its dtype is ignored), atomically.
/// @throw sampo::invalid_argument if values.size() differs from the product of the shape.
/// @throw sampo::io_error if the file cannot be written.
void write_npy(const std::filesystem::path& path, const NpyArray& array);

/// write_npy_stack under the common name.
inline void write_npy(const std::filesystem::path& path,
                      const std::vector<Eigen::MatrixXd>& stack) {
  write_npy_stack(path, stack);
}

/// write_npy_int under the common name.
inline void write_npy(const std::filesystem::path& path, const std::vector<std::int64_t>& values) {
  write_npy_int(path, values);
}

/// Writes any Eigen dense expression: a vector type (one dimension fixed to 1 at compile time,
/// e.g. VectorXd, RowVectorXd) as a 1-D array, anything else (MatrixXd, even with one column)
/// as a 2-D array. Dispatching on the compile-time type avoids the ambiguity that
/// Eigen::Ref overloads for MatrixXd and VectorXd would have.
template <typename Derived>
void write_npy(const std::filesystem::path& path, const Eigen::DenseBase<Derived>& a) {
  if constexpr (Derived::ColsAtCompileTime == 1)
    write_npy_vector(path, a.derived());
  else if constexpr (Derived::RowsAtCompileTime == 1)
    write_npy_vector(path, a.derived().transpose());
  else
    write_npy_matrix(path, a.derived());
}

}  // namespace sampo::io
