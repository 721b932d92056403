// libFuzzer target: the SciPy sparse .npz reader (read_npz_sparse: sampo's zip reader, zlib's
// inflate, the .npy members, the CSR/CSC checks). sampo::io_error is the expected answer to a
// bad file; anything else (a crash, a leak, undefined behaviour, an allocation beyond
// -malloc_limit_mb, another exception) is a defect.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = sampo::fuzz::input_path("npz", ".npz");
  sampo::fuzz::write_input(path, data, size);
  try {
    const Eigen::SparseMatrix<double> m = sampo::io::read_npz_sparse(path);
    // A matrix it returns is well formed: finite values inside its shape.
    for (Eigen::Index j = 0; j < m.outerSize(); ++j)
      for (Eigen::SparseMatrix<double>::InnerIterator it(m, j); it; ++it)
        if (!(it.row() < m.rows() && it.col() < m.cols())) __builtin_trap();
  } catch (const sampo::io_error&) {
  }
  return 0;
}
