#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "io_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/npy.hpp"
#include "sampo_test.hpp"

using namespace sampo::io;
using sampo::test::read_bytes;
using sampo::test::TempDir;
using sampo::test::write_bytes;

namespace {

/// The bytes of a .npy file written by hand: magic, version, header length, the dict padded
/// with spaces to a multiple of 64 (unless pad is false) and '\n', then the data.
std::string npy(const std::string& dict, const std::string& data, int major = 1, bool pad = true) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string h = dict;
  if (pad) h.append((64 - (prefix + h.size() + 1) % 64) % 64, ' ');
  h += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t k = 0; k < (major == 1 ? 2u : 4u); ++k)
    out += static_cast<char>((h.size() >> (8 * k)) & 0xFF);
  return out + h + data;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

/// Little-endian (or big-endian) bytes of the values, as type T.
template <typename T>
std::string bytes_of(std::initializer_list<T> values, bool big = false) {
  std::string out;
  for (T v : values) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // the test machine is little-endian (x86-64, arm64)
    if (big) std::reverse(b, b + sizeof(T));
    out.append(reinterpret_cast<const char*>(b), sizeof(T));
  }
  return out;
}

NpyArray read_bytes_as_npy(const TempDir& dir, const std::string& bytes) {
  write_bytes(dir / "a.npy", bytes);
  return read_npy(dir / "a.npy");
}

}  // namespace

TEST_CASE("read_npy reads float64 in C order", "[io][npy]") {
  TempDir dir;
  const NpyArray a =
      read_bytes_as_npy(dir, npy(dict("<f8", "(2, 3)"), bytes_of<double>({1, 2, 3, 4, 5, 6.5})));
  CHECK(a.shape == std::vector<std::size_t>{2, 3});
  CHECK(a.dtype == "<f8");
  CHECK(a.size() == 6);
  CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6.5});
  const Eigen::MatrixXd m = read_npy_matrix(dir / "a.npy");
  REQUIRE(m.rows() == 2);
  REQUIRE(m.cols() == 3);
  CHECK(m(0, 2) == 3);
  CHECK(m(1, 0) == 4);
  CHECK(m(1, 2) == 6.5);
}

TEST_CASE("read_npy converts every supported dtype", "[io][npy]") {
  TempDir dir;
  auto values = [&](const std::string& descr, const std::string& data) {
    return read_bytes_as_npy(dir, npy(dict(descr, "(3,)"), data)).values;
  };
  const std::vector<double> expect{1.5, -2, 3};
  CHECK(values("<f8", bytes_of<double>({1.5, -2, 3})) == expect);
  CHECK(values("<f4", bytes_of<float>({1.5f, -2, 3})) == expect);  // exactly representable in float
  CHECK(values(">f8", bytes_of<double>({1.5, -2, 3}, true)) == expect);
  CHECK(values(">f4", bytes_of<float>({1.5f, -2, 3}, true)) == expect);
  CHECK(values("=f8", bytes_of<double>({1.5, -2, 3})) == expect);  // native order (little here)
  const std::vector<double> ints{7, -8, 300};
  CHECK(values("<i8", bytes_of<std::int64_t>({7, -8, 300})) == ints);
  CHECK(values("<i4", bytes_of<std::int32_t>({7, -8, 300})) == ints);
  CHECK(values(">i4", bytes_of<std::int32_t>({7, -8, 300}, true)) == ints);
  CHECK(values("<i2", bytes_of<std::int16_t>({7, -8, 300})) == ints);
  CHECK(values("|i1", bytes_of<std::int8_t>({7, -8, 100})) == std::vector<double>{7, -8, 100});
  CHECK(values("|u1", bytes_of<std::uint8_t>({0, 200, 255})) == std::vector<double>{0, 200, 255});
  CHECK(values("<u2", bytes_of<std::uint16_t>({0, 200, 65535})) ==
        std::vector<double>{0, 200, 65535});
  CHECK(values("<u4", bytes_of<std::uint32_t>({1, 2, 4000000000u})) ==
        std::vector<double>{1, 2, 4e9});
  CHECK(values("<u8", bytes_of<std::uint64_t>({1, 2, 3})) == std::vector<double>{1, 2, 3});
  CHECK(values("|b1", bytes_of<std::uint8_t>({1, 0, 1})) == std::vector<double>{1, 0, 1});
  CHECK(read_bytes_as_npy(dir, npy(dict("|b1", "(3,)"), bytes_of<std::uint8_t>({0, 1, 0}))).dtype ==
        "|b1");
}

TEST_CASE("read_npy puts Fortran-order data into C order", "[io][npy]") {
  TempDir dir;
  // The 2x3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
  const NpyArray a = read_bytes_as_npy(
      dir, npy(dict("<f8", "(2, 3)", true), bytes_of<double>({1, 4, 2, 5, 3, 6})));
  CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6});
  // 3-D: entry [i, j, k] = 100 i + 10 j + k, shape (2, 3, 4), stored with i fastest.
  std::string data;
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i) data += bytes_of<double>({100.0 * i + 10.0 * j + k});
  const NpyArray b = read_bytes_as_npy(dir, npy(dict("<f8", "(2, 3, 4)", true), data));
  REQUIRE(b.values.size() == 24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        CHECK(b.values[static_cast<std::size_t>(12 * i + 4 * j + k)] == 100 * i + 10 * j + k);
  const auto stack = read_npy_stack(dir / "a.npy");
  REQUIRE(stack.size() == 2);
  CHECK(stack[1](2, 3) == 123);
  CHECK(stack[0](1, 0) == 10);
}

TEST_CASE("read_npy accepts versions 2.0 and 3.0 and unusual but valid headers", "[io][npy]") {
  TempDir dir;
  const std::string data = bytes_of<double>({1, 2});
  CHECK(read_bytes_as_npy(dir, npy(dict("<f8", "(2,)"), data, 2)).values ==
        std::vector<double>{1, 2});
  CHECK(read_bytes_as_npy(dir, npy(dict("<f8", "(2,)"), data, 3)).values ==
        std::vector<double>{1, 2});
  // Not padded to 64 bytes, keys in another order, double quotes, no trailing comma,
  // Python 2 long literals, extra spaces.
  CHECK(read_bytes_as_npy(dir, npy("{\"shape\": ( 2L , ),'fortran_order':False,  'descr':\"<f8\"}",
                                   data, 1, false))
            .values == std::vector<double>{1, 2});
  // 0-d array (a scalar) and empty arrays.
  const NpyArray s = read_bytes_as_npy(dir, npy(dict("<f8", "()"), bytes_of<double>({42})));
  CHECK(s.shape.empty());
  CHECK(s.values == std::vector<double>{42});
  const NpyArray e = read_bytes_as_npy(dir, npy(dict("<f8", "(0, 3)"), ""));
  CHECK(e.shape == std::vector<std::size_t>{0, 3});
  CHECK(e.values.empty());
  CHECK(read_npy_matrix(dir / "a.npy").cols() == 3);
}

TEST_CASE("read_npy_matrix, _vector, _stack and _int check the shape", "[io][npy]") {
  TempDir dir;
  const auto path = dir / "a.npy";
  write_bytes(path, npy(dict("<f8", "(3,)"), bytes_of<double>({1, 2, 3})));
  CHECK(read_npy_matrix(path) == Eigen::Vector3d(1, 2, 3));  // 1-D -> a column
  CHECK(read_npy_vector(path) == Eigen::Vector3d(1, 2, 3));
  SAMPO_REQUIRE_THROWS_WITH(read_npy_stack(path), sampo::io_error, "sampo::io::read_npy_stack",
                            "a.npy", "array of shape (3,)", "3-D");
  write_bytes(path, npy(dict("<f8", "(1, 3)"), bytes_of<double>({1, 2, 3})));
  CHECK(read_npy_vector(path) == Eigen::Vector3d(1, 2, 3));
  write_bytes(path, npy(dict("<f8", "(2, 2)"), bytes_of<double>({1, 2, 3, 4})));
  SAMPO_REQUIRE_THROWS_WITH(read_npy_vector(path), sampo::io_error, "sampo::io::read_npy_vector",
                            "array of shape (2, 2)", "1-D");
  SAMPO_REQUIRE_THROWS_WITH(read_npy_int(path), sampo::io_error, "sampo::io::read_npy_int",
                            "(2, 2)");
  write_bytes(path, npy(dict("<f8", "(1, 1, 2)"), bytes_of<double>({1, 2})));
  SAMPO_REQUIRE_THROWS_WITH(read_npy_matrix(path), sampo::io_error, "sampo::io::read_npy_matrix",
                            "array of shape (1, 1, 2)", "2-D");
}

TEST_CASE("read_npy_int reads labels exactly", "[io][npy]") {
  TempDir dir;
  const auto path = dir / "l.npy";
  const std::int64_t big = (std::int64_t{1} << 62) + 1;  // not representable as a double
  write_bytes(path, npy(dict("<i8", "(3,)"), bytes_of<std::int64_t>({big, -1, 0})));
  CHECK(read_npy_int(path) == std::vector<std::int64_t>{big, -1, 0});
  write_bytes(path, npy(dict(">i8", "(2,)"), bytes_of<std::int64_t>({big, -5}, true)));
  CHECK(read_npy_int(path) == std::vector<std::int64_t>{big, -5});
  write_bytes(path, npy(dict("|u1", "(2, 1)"), bytes_of<std::uint8_t>({9, 255})));
  CHECK(read_npy_int(path) == std::vector<std::int64_t>{9, 255});
  write_bytes(path, npy(dict("|b1", "(2,)"), bytes_of<std::uint8_t>({0, 1})));
  CHECK(read_npy_int(path) == std::vector<std::int64_t>{0, 1});
  write_bytes(path, npy(dict("<f8", "(2,)"), bytes_of<double>({3, -4})));
  CHECK(read_npy_int(path) == std::vector<std::int64_t>{3, -4});
  write_bytes(path, npy(dict("<f4", "(2,)"), bytes_of<float>({3, 1.5f})));
  SAMPO_REQUIRE_THROWS_WITH(read_npy_int(path), sampo::io_error, "l.npy", "entry 1 = 1.5",
                            "not an integer");
  write_bytes(
      path, npy(dict("<f8", "(1,)"), bytes_of<double>({std::numeric_limits<double>::quiet_NaN()})));
  SAMPO_REQUIRE_THROWS_WITH(read_npy_int(path), sampo::io_error, "entry 0 = nan", "not an integer");
  write_bytes(path, npy(dict("<u8", "(1,)"), bytes_of<std::uint64_t>({std::uint64_t{1} << 63})));
  SAMPO_REQUIRE_THROWS_WITH(read_npy_int(path), sampo::io_error,
                            "9223372036854775808 exceeds INT64_MAX");
}

TEST_CASE("read_npy rejects damaged and unsupported files with a clear message", "[io][npy]") {
  TempDir dir;
  const std::string ok = npy(dict("<f8", "(2,)"), bytes_of<double>({1, 2}));
  auto fails = [&](const std::string& bytes, const char* what) {
    INFO("expected: " << what);
    SAMPO_REQUIRE_THROWS_WITH(read_bytes_as_npy(dir, bytes), sampo::io_error, "sampo::io::read_npy",
                              "a.npy", what);
  };
  SAMPO_REQUIRE_THROWS_WITH(read_npy(dir / "none.npy"), sampo::io_error, "none.npy", "cannot open");
  fails("", "bad magic");
  fails("PK\x03\x04 not numpy at all", "bad magic");
  fails("\x93NUMPZ\x01\x00", "bad magic");
  fails(ok.substr(0, 7), "ends inside the version bytes");
  fails(ok.substr(0, 9), "ends inside the header length");
  fails(ok.substr(0, 40), "truncated .npy header: it declares 118 bytes, the file has 30");
  std::string v4 = ok;
  v4[6] = 4;
  fails(v4, "unsupported .npy format version 4.0");
  fails(ok.substr(0, ok.size() - 3),
        "truncated data: shape (2,) of '<f8' needs 16 bytes, the file has 13");
  fails(ok + "xx", "data longer than the shape says");
  fails(npy(dict("<f8", "(2, 3)"), bytes_of<double>({1, 2, 3, 4, 5})),
        "needs 48 bytes, the file has 40");
  // Malformed dicts.
  const std::string d = bytes_of<double>({1, 2});
  fails(npy("'descr': '<f8'", d), "malformed .npy header: expected '{'");
  fails(npy("{'descr': '<f8', 'fortran_order': False}", d), "missing key 'shape'");
  fails(npy("{'descr': '<f8', 'shape': (2,)}", d), "missing key 'fortran_order'");
  fails(npy("{'fortran_order': False, 'shape': (2,)}", d), "missing key 'descr'");
  fails(npy("{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}", d),
        "expected True or False");
  fails(npy("{'descr' '<f8', 'fortran_order': False, 'shape': (2,)}", d), "expected ':'");
  fails(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", d),
        "unexpected key 'x'");
  fails(npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", d),
        "duplicate key 'descr'");
  fails(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1)}", d),
        "non-negative integer in 'shape'");
  fails(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} junk", d),
        "after the closing '}'");
  fails(npy("{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}", d), "malformed .npy header");
  fails(npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}", d),
        "structured dtypes");
  // Unsupported dtypes, named.
  for (const char* descr : {"<c16", "<f2", "<f16", "|S5", "<U3", "|O", "<M8", "<i3", "|f8", "f8"}) {
    INFO("descr " << descr);
    fails(npy(dict(descr, "(2,)"), d), "unsupported dtype");
  }
}

TEST_CASE("write_npy writes NumPy's header byte for byte", "[io][npy]") {
  TempDir dir;
  const auto path = dir / "v.npy";
  write_npy_vector(path, Eigen::Vector3d(1, 2, 3));
  const std::string b = read_bytes(path);
  // What np.save(path, np.array([1., 2., 3.])) writes (NumPy 1.24): 128-byte header.
  const std::string dict_text = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  std::string expect("\x93NUMPY\x01\x00\x76\x00", 10);
  expect += dict_text + std::string(128 - 10 - dict_text.size() - 1, ' ') + "\n";
  expect += bytes_of<double>({1, 2, 3});
  CHECK(b == expect);
}

TEST_CASE("write_npy round trips", "[io][npy]") {
  TempDir dir;
  const auto path = dir / "x.npy";
  Eigen::MatrixXd m(2, 3);
  m << 1.0 / 3.0, -2, 3e-300, 4, std::numeric_limits<double>::infinity(), -0.0;
  write_npy_matrix(path, m);
  CHECK(read_npy(path).shape == std::vector<std::size_t>{2, 3});
  CHECK(read_npy(path).values == std::vector<double>{1.0 / 3.0, -2, 3e-300, 4,
                                                     std::numeric_limits<double>::infinity(),
                                                     -0.0});
  CHECK(read_npy_matrix(path) == m);
  const std::string bytes = read_bytes(path);
  CHECK(bytes.size() == 128 + 6 * 8);  // header padded to 64-byte alignment
  // Eigen expressions go through the template: a transpose is a 2-D array.
  write_npy(path, m.transpose());
  CHECK(read_npy_matrix(path) == m.transpose());
  write_npy(path, m);
  CHECK(read_npy(path).shape == std::vector<std::size_t>{2, 3});

  // Vectors are 1-D; a one-column MatrixXd stays 2-D.
  Eigen::VectorXd v(4);
  v << 1, -2, 0.5, 1e300;
  write_npy(path, v);
  CHECK(read_npy(path).shape == std::vector<std::size_t>{4});
  CHECK(read_npy_vector(path) == v);
  write_npy(path, Eigen::RowVectorXd(v.transpose()));
  CHECK(read_npy(path).shape == std::vector<std::size_t>{4});
  write_npy(path, Eigen::MatrixXd(v));
  CHECK(read_npy(path).shape == std::vector<std::size_t>{4, 1});

  // n x C x C stacks.
  std::vector<Eigen::MatrixXd> stack;
  for (int k = 0; k < 3; ++k) {
    Eigen::MatrixXd c(2, 2);
    c << 2 + k, 0.5, 0.5, 1 + k;
    stack.push_back(c);
  }
  write_npy(path, stack);
  CHECK(read_npy(path).shape == std::vector<std::size_t>{3, 2, 2});
  const auto back = read_npy_stack(path);
  REQUIRE(back.size() == 3);
  for (int k = 0; k < 3; ++k)
    CHECK(back[static_cast<std::size_t>(k)] == stack[static_cast<std::size_t>(k)]);
  write_npy_stack(path, {});
  CHECK(read_npy(path).shape == std::vector<std::size_t>{0, 0, 0});

  // Integer labels.
  const std::vector<std::int64_t> labels{0, 1, -7, (std::int64_t{1} << 62) + 3};
  write_npy(path, labels);
  CHECK(read_npy(path).dtype == "<i8");
  CHECK(read_npy_int(path) == labels);

  // Any NpyArray, including 0-d.
  write_npy(path, NpyArray{{}, {2.5}, "<f8"});
  CHECK(read_npy(path).shape.empty());
  CHECK(read_npy(path).values == std::vector<double>{2.5});
}

TEST_CASE("write_npy switches to version 2.0 for a header over 65535 bytes", "[io][npy]") {
  TempDir dir;
  const auto path = dir / "big.npy";
  NpyArray a{std::vector<std::size_t>(25000, 1), {7.0}, "<f8"};  // 25000 dimensions of size 1
  write_npy(path, a);
  const std::string b = read_bytes(path);
  REQUIRE(b.size() > 12);
  CHECK(b[6] == 2);
  CHECK((b.size() - 8) % 64 == 0);  // header aligned: data (8 bytes) starts at a multiple of 64
  const NpyArray back = read_npy(path);
  CHECK(back.shape.size() == 25000);
  CHECK(back.values == std::vector<double>{7.0});
}

TEST_CASE("write_npy checks its input", "[io][npy]") {
  TempDir dir;
  SAMPO_REQUIRE_THROWS_WITH(
      write_npy_stack(dir / "s.npy", {Eigen::MatrixXd::Zero(2, 2), Eigen::MatrixXd::Zero(2, 3)}),
      sampo::invalid_argument, "sampo::io::write_npy_stack", "'stack[1]' = 2x3",
      "size of stack[0] (2x2)");
  SAMPO_REQUIRE_THROWS_WITH(write_npy(dir / "a.npy", NpyArray{{2, 2}, {1, 2, 3}, "<f8"}),
                            sampo::invalid_argument, "sampo::io::write_npy",
                            "has 3 values but shape (2, 2) needs 4");
  CHECK(sampo::test::entries(dir.path()).empty());
  SAMPO_REQUIRE_THROWS_WITH(write_npy(dir / "no" / "a.npy", Eigen::MatrixXd::Zero(1, 1)),
                            sampo::io_error, "no/a.npy");
}
