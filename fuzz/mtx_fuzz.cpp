// libFuzzer target: the Matrix Market reader, dense (read_matrix_market) and sparse
// (read_matrix_market_sparse). sampo::io_error is the expected answer to a bad file; both
// readers must agree on which files are bad, and on the matrix of a good one, except where
// their allocation bounds differ (a dense read of many zeros, a sparse read of many empty rows
// or columns: the one refuses what the other reads). Anything else (a crash, a leak, undefined behaviour, an allocation
// beyond -malloc_limit_mb, another exception, a disagreement) is a defect.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_input.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/matrix_market.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = sampo::fuzz::input_path("mtx", ".mtx");
  sampo::fuzz::write_input(path, data, size);
  std::optional<Eigen::SparseMatrix<double>> sparse;
  bool sparse_too_large = false;
  try {
    sparse = sampo::io::read_matrix_market_sparse(path);
  } catch (const sampo::io_error& e) {
    sparse_too_large = std::string(e.what()).find("row and column offsets") != std::string::npos;
  }
  std::optional<Eigen::MatrixXd> dense;
  try {
    dense = sampo::io::read_matrix_market(path);
  } catch (const sampo::io_error&) {
  }
  // A file the dense reader accepts is one the sparse reader accepts, with the same entries
  // (both sum duplicates in file order, so the sums agree exactly).
  if (dense && !sparse && !sparse_too_large) __builtin_trap();
  if (dense && sparse) {
    if (dense->rows() != sparse->rows() || dense->cols() != sparse->cols()) __builtin_trap();
    if (!(Eigen::MatrixXd(*sparse) == *dense)) __builtin_trap();
  }
  return 0;
}
