// Matrix Market reading: every layout / field / symmetry sampo accepts, against matrices written
// here by hand, and the defects it refuses (each naming the file and line).
#include <fstream>
#include <string>

#include "sampo/core/error.hpp"
#include "sampo/io/matrix_market.hpp"
#include "sampo_test.hpp"

using Catch::Matchers::Contains;

namespace {
std::filesystem::path write(const sampo::test::TempDir& dir, const std::string& name,
                            const std::string& text) {
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST_CASE("Matrix Market: coordinate and array files, every symmetry", "[matrix_market]") {
  sampo::test::TempDir dir;
  // Exact decimal values: the reads must be bit-exact.
  const auto general = write(dir, "g.mtx",
                             "%%MatrixMarket matrix coordinate real general\n% a comment\n\n"
                             "3 2 4\n1 1 1.5\n3 2 -2\n2 1 0.25\n3 2 1\n");
  Eigen::MatrixXd expected(3, 2);
  expected << 1.5, 0, 0.25, 0, 0, -1;  // the duplicate (3, 2) is summed: -2 + 1
  CHECK(sampo::io::read_matrix_market(general) == expected);
  const Eigen::SparseMatrix<double> sp = sampo::io::read_matrix_market_sparse(general);
  CHECK(sp.nonZeros() == 3);
  CHECK(Eigen::MatrixXd(sp) == expected);

  const auto sym = write(dir, "s.mtx",
                         "%%MatrixMarket matrix coordinate integer symmetric\n2 2 2\n1 1 4\n2 1 -3\n");
  Eigen::Matrix2d s;
  s << 4, -3, -3, 0;
  CHECK(sampo::io::read_matrix_market(sym) == Eigen::MatrixXd(s));

  const auto pattern = write(dir, "p.mtx",
                             "%%MatrixMarket matrix coordinate pattern general\r\n2 3 2\r\n1 3\r\n2 1\r\n");
  Eigen::MatrixXd pm = Eigen::MatrixXd::Zero(2, 3);
  pm(0, 2) = pm(1, 0) = 1.0;
  CHECK(sampo::io::read_matrix_market(pattern) == pm);

  const auto array = write(dir, "a.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n");
  Eigen::Matrix2d a;
  a << 1, 3, 2, 4;  // column-major
  CHECK(sampo::io::read_matrix_market(array) == Eigen::MatrixXd(a));

  const auto array_sym = write(dir, "as.mtx", "%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n5\n");
  Eigen::Matrix2d as;
  as << 1, 2, 2, 5;
  CHECK(sampo::io::read_matrix_market(array_sym) == Eigen::MatrixXd(as));

  const auto skew = write(dir, "k.mtx", "%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 1\n3 1 2\n");
  const Eigen::MatrixXd k = sampo::io::read_matrix_market(skew);
  CHECK(k(2, 0) == 2.0);
  CHECK(k(0, 2) == -2.0);
  CHECK(k.cwiseAbs().sum() == 4.0);
}

TEST_CASE("Matrix Market: defects are io_errors naming the file and the line", "[matrix_market]") {
  sampo::test::TempDir dir;
  const auto bad = [&](const std::string& text, const std::string& message) {
    const auto p = write(dir, "bad.mtx", text);
    INFO(text);
    CHECK_THROWS_AS(sampo::io::read_matrix_market(p), sampo::io_error);
    CHECK_THROWS_WITH(sampo::io::read_matrix_market(p), Contains("bad.mtx") && Contains(message));
  };
  bad("", "empty");
  bad("1 2 3\n", "banner");
  bad("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", "complex");
  bad("%%MatrixMarket matrix diagonal real general\n1 1\n", "layout");
  bad("%%MatrixMarket matrix coordinate real general\n2 2\n", "line 2");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n", "outside the 2 x 2");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n", "outside");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n", "ends after 1 of 2");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 2\n", "more entries");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 nan\n", "not a finite number");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 x\n", "line 3");
  bad("%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n", "lower triangle");
  bad("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", "fractional");
  bad("%%MatrixMarket matrix coordinate real general\n2 2 -1\n", "entries");
  bad("%%MatrixMarket matrix coordinate real general\n99999999999 2 1\n", "too large");
  bad("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", "ends after 3 of 4");
  bad("%%MatrixMarket matrix coordinate real general\n2 3 7\n", "more entries than the matrix has places");
  CHECK_THROWS_AS(sampo::io::read_matrix_market(dir / "absent.mtx"), sampo::io_error);
}

TEST_CASE("Matrix Market: a size line cannot make a read allocate more than the file holds",
          "[matrix_market]") {
  // Found by fuzz/mtx_fuzz.cpp: a 50-byte coordinate file declaring 40000 x 40000 (or
  // 1 x 2·10^9) made the dense (sparse) reader allocate 12.8 GB (8 GB). A read may allocate
  // 2^24 places freely, and beyond that at most 64 per stored entry.
  sampo::test::TempDir dir;
  const auto huge_dense = write(dir, "huge.mtx", "%%MatrixMarket matrix coordinate real general\n40000 40000 1\n1 1 2\n");
  CHECK_THROWS_WITH(sampo::io::read_matrix_market(huge_dense),
                    Contains("huge.mtx") && Contains("40000 x 40000") &&
                        Contains("read_matrix_market_sparse"));
  const auto s = sampo::io::read_matrix_market_sparse(huge_dense);  // 80002 offsets: allowed
  CHECK(s.rows() == 40000);
  CHECK(s.nonZeros() == 1);
  CHECK(s.coeff(0, 0) == 2.0);
  const auto wide = write(dir, "wide.mtx", "%%MatrixMarket matrix coordinate real general\n1 2000000000 0\n");
  CHECK_THROWS_WITH(sampo::io::read_matrix_market_sparse(wide),
                    Contains("wide.mtx") && Contains("1 x 2000000000") && Contains("stores 0 entries"));
  CHECK_THROWS_WITH(sampo::io::read_matrix_market(wide), Contains("wide.mtx"));
  // The largest dimension a sparse matrix's int indices hold, and one more.
  const auto tall = write(dir, "tall.mtx", "%%MatrixMarket matrix coordinate real general\n2147483647 1 0\n");
  CHECK_THROWS_WITH(sampo::io::read_matrix_market_sparse(tall), Contains("stores 0 entries"));
  const auto taller = write(dir, "taller.mtx", "%%MatrixMarket matrix coordinate real general\n2147483648 1 0\n");
  CHECK_THROWS_WITH(sampo::io::read_matrix_market_sparse(taller), Contains("line 2") && Contains("too large"));
  // Within the free allowance a mostly empty file is read: 4096 x 4096 = 2^24 places.
  const auto edge = write(dir, "edge.mtx", "%%MatrixMarket matrix coordinate real general\n4096 4096 1\n4096 4096 1\n");
  CHECK(sampo::io::read_matrix_market(edge)(4095, 4095) == 1.0);
  // Beyond 2^24, 64 places per stored entry: 5000 x 4000 (2·10^7 places) would need 312500.
  const auto sparse_dense = write(dir, "sd.mtx", "%%MatrixMarket matrix coordinate real general\n5000 4000 1\n1 1 1\n");
  CHECK_THROWS_WITH(sampo::io::read_matrix_market(sparse_dense), Contains("per stored entry"));
}
