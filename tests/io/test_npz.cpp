// SciPy sparse .npz reading: CSR and CSC files as scipy.sparse.save_npz writes them (deflated and
// stored; tests/io/data/make_npz.py), duplicates, and the defects it refuses (each naming the
// file and, where there is one, the member).
#include <fstream>
#include <iterator>
#include <string>

#include "sampo/core/error.hpp"
#include "sampo/io/npz.hpp"
#include "sampo_test.hpp"

using Catch::Matchers::Contains;

namespace {
std::filesystem::path fixture(const char* name) {
  return std::filesystem::path(sampo::test::source_dir()) / "tests" / "io" / "data" / name;
}
std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::filesystem::path write(const sampo::test::TempDir& dir, const std::string& name,
                            const std::string& bytes) {
  const auto p = dir / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}
Eigen::MatrixXd expected_4x3() {
  Eigen::MatrixXd m(4, 3);
  m << 1, 0, 2, 0, 0, 0, 0, -3.5, 0, 4, 0, 0.005;
  return m;
}
}  // namespace

TEST_CASE("npz: CSR and CSC, deflated and stored, duplicates summed", "[npz]") {
  for (const char* name : {"csr_4x3.npz", "csr_4x3_stored.npz", "csc_4x3.npz"}) {
    CAPTURE(name);
    const Eigen::SparseMatrix<double> s = sampo::io::read_npz_sparse(fixture(name));
    CHECK(s.rows() == 4);
    CHECK(s.cols() == 3);
    CHECK(s.nonZeros() == 5);
    // The values are stored exactly (<f8): equality.
    CHECK(Eigen::MatrixXd(s) == expected_4x3());
  }
  const Eigen::SparseMatrix<double> d = sampo::io::read_npz_sparse(fixture("csr_duplicates_2x2.npz"));
  CHECK(d.nonZeros() == 1);
  CHECK(d.coeff(0, 1) == 3.0);
}

TEST_CASE("npz: defects are io_errors naming the file and the member", "[npz]") {
  sampo::test::TempDir dir;
  const std::string good = bytes_of(fixture("csr_4x3.npz"));
  REQUIRE(good.size() > 100);
  const auto bad = [&](const std::string& bytes, const std::string& message) {
    const auto p = write(dir, "bad.npz", bytes);
    CHECK_THROWS_AS(sampo::io::read_npz_sparse(p), sampo::io_error);
    CHECK_THROWS_WITH(sampo::io::read_npz_sparse(p), Contains("bad.npz") && Contains(message));
  };
  bad("", "not a zip archive");
  bad(std::string(200, 'x'), "no end-of-central-directory");
  bad(good.substr(0, good.size() - 30), "not a zip archive");
  // A flipped byte inside the first member's deflate data: a bad stream or a CRC mismatch.
  std::string flipped = good;
  flipped[75] = static_cast<char>(flipped[75] ^ 0x55);  // local header + name + extra = 61
  bad(flipped, "member 'indices.npy'");
  CHECK_THROWS_WITH(sampo::io::read_npz_sparse(fixture("coo_2x2.npz")),
                    Contains("coo_2x2.npz") && Contains("'coo' matrix"));
  const auto refused = [](const char* name, const std::string& message) {
    CAPTURE(name);
    CHECK_THROWS_WITH(sampo::io::read_npz_sparse(fixture(name)),
                      Contains(name) && Contains(message));
  };
  refused("bad_indptr.npz", "'indptr.npy': does not start at 0");
  refused("bad_index.npz", "'indices.npy': entry 0 = 2 is outside [0, 2)");
  refused("bad_nan.npz", "'data.npy': entry 0 = nan is not finite");
  refused("bad_no_data.npz", "no member 'data.npy'");
  CHECK_THROWS_AS(sampo::io::read_npz_sparse(dir / "absent.npz"), sampo::io_error);
}
