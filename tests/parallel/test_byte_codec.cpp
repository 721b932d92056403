#include "sampo/parallel/byte_codec.hpp"

#include <Eigen/Dense>
#include <array>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo_test.hpp"

using sampo::parallel::byte_encodable;
using sampo::parallel::ByteCodec;

namespace {
struct Plain {
  double x;
  int k;
};

struct Stats {  // not trivially copyable: needs its own codec
  Eigen::VectorXd sum;
  std::size_t count = 0;
};

template <class T>
T round_trip(const T& value, std::size_t* bytes = nullptr) {
  std::vector<std::byte> buf;
  ByteCodec<T>::encode(value, buf);
  ByteCodec<T>::encode(value, buf);  // twice: decode must stop exactly at the boundary
  const std::byte* p = buf.data();
  const std::byte* end = buf.data() + buf.size();
  T first = ByteCodec<T>::decode(p, end);
  T second = ByteCodec<T>::decode(p, end);
  CHECK(p == end);
  if (bytes) *bytes = buf.size() / 2;
  (void)second;
  return first;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
}  // namespace

template <>
struct sampo::parallel::ByteCodec<Stats> {
  static void encode(const Stats& s, std::vector<std::byte>& out) {
    ByteCodec<Eigen::VectorXd>::encode(s.sum, out);
    ByteCodec<std::size_t>::encode(s.count, out);
  }
  static Stats decode(const std::byte*& in, const std::byte* end) {
    Stats s;
    s.sum = ByteCodec<Eigen::VectorXd>::decode(in, end);
    s.count = ByteCodec<std::size_t>::decode(in, end);
    return s;
  }
};

TEST_CASE("trivially copyable values round-trip bit for bit", "[parallel][codec]") {
  std::size_t bytes = 0;
  CHECK(same_bits(round_trip(-0.0, &bytes), -0.0));
  CHECK(bytes == sizeof(double));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(same_bits(round_trip(nan), nan));
  CHECK(same_bits(round_trip(0.1 + 0.2), 0.1 + 0.2));
  const Plain p = round_trip(Plain{2.5, -7});
  CHECK(p.x == 2.5);
  CHECK(p.k == -7);
  const std::array<double, 3> a{1, 2, 3};
  CHECK(round_trip(a) == a);
}

TEST_CASE("Eigen matrices and arrays round-trip with their shape", "[parallel][codec]") {
  const Eigen::VectorXd v = (Eigen::VectorXd(4) << 1.0 / 3, -2, 1e-300, 4).finished();
  std::size_t bytes = 0;
  CHECK(round_trip(v, &bytes) == v);
  CHECK(bytes == 16 + 4 * sizeof(double));  // rows, cols, coefficients
  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  const Eigen::MatrixXd mm = round_trip(m);
  CHECK(mm.rows() == 2);
  CHECK(mm.cols() == 3);
  CHECK(mm == m);
  CHECK(round_trip(Eigen::MatrixXd()).size() == 0);
  const Eigen::Matrix3d f = Eigen::Matrix3d::Identity() * 0.7;
  CHECK(round_trip(f) == f);
  Eigen::ArrayXXf af(2, 2);
  af << 1.5f, 2, 3, 4;
  CHECK((round_trip(af) == af).all());
  Eigen::Matrix<double, 2, 2, Eigen::RowMajor> rm;
  rm << 1, 2, 3, 4;
  CHECK(round_trip(rm) == rm);
}

TEST_CASE("std containers of encodable types round-trip", "[parallel][codec]") {
  const std::vector<double> v{1, 2.5, -3};
  CHECK(round_trip(v) == v);
  CHECK(round_trip(std::vector<double>{}).empty());
  const std::vector<Eigen::VectorXd> vv{Eigen::VectorXd::Constant(2, 1.25), Eigen::VectorXd(0)};
  const auto vv2 = round_trip(vv);
  REQUIRE(vv2.size() == 2);
  CHECK(vv2[0] == vv[0]);
  CHECK(vv2[1].size() == 0);
  const std::vector<bool> bits{true, false, true};
  CHECK(round_trip(bits) == bits);
  const auto pr = round_trip(std::make_pair(3.5, Eigen::VectorXd::Constant(3, 2.0).eval()));
  CHECK(pr.first == 3.5);
  CHECK(pr.second == Eigen::VectorXd::Constant(3, 2.0));
  const auto tp = round_trip(std::make_tuple(7, std::vector<double>{9, 8}, Eigen::Matrix2d::Ones().eval()));
  CHECK(std::get<0>(tp) == 7);
  CHECK(std::get<1>(tp) == std::vector<double>{9, 8});
  CHECK(std::get<2>(tp) == Eigen::Matrix2d::Ones());
}

TEST_CASE("a user specialization is used, also inside containers", "[parallel][codec]") {
  STATIC_REQUIRE(byte_encodable<Stats>);
  STATIC_REQUIRE(byte_encodable<std::vector<Stats>>);
  const Stats s{Eigen::VectorXd::Constant(2, 0.25), 11};
  const Stats t = round_trip(s);
  CHECK(t.sum == s.sum);
  CHECK(t.count == 11);
  CHECK(round_trip(std::vector<Stats>{s, s}).size() == 2);
}

TEST_CASE("types without an encoding are detected at compile time", "[parallel][codec]") {
  STATIC_REQUIRE_FALSE(byte_encodable<std::string>);
  STATIC_REQUIRE_FALSE(byte_encodable<std::map<int, int>>);
  STATIC_REQUIRE_FALSE(byte_encodable<std::vector<std::string>>);
  STATIC_REQUIRE(byte_encodable<double>);
  STATIC_REQUIRE(byte_encodable<Eigen::VectorXd>);
}

TEST_CASE("decoding a truncated buffer throws instead of reading past it", "[parallel][codec]") {
  std::vector<std::byte> buf;
  ByteCodec<Eigen::VectorXd>::encode(Eigen::VectorXd::Ones(3), buf);
  buf.pop_back();
  const std::byte* p = buf.data();
  SAMPO_REQUIRE_THROWS_WITH(ByteCodec<Eigen::VectorXd>::decode(p, buf.data() + buf.size()),
                            sampo::numerical_error, "sampo::parallel::ByteCodec::decode");
  std::vector<std::byte> small;
  ByteCodec<std::vector<double>>::encode({1, 2}, small);
  small.resize(small.size() - 8);
  p = small.data();
  CHECK_THROWS_AS(ByteCodec<std::vector<double>>::decode(p, small.data() + small.size()),
                  sampo::numerical_error);
  std::vector<std::byte> fixed;
  ByteCodec<Eigen::VectorXd>::encode(Eigen::VectorXd::Ones(2), fixed);
  p = fixed.data();
  SAMPO_REQUIRE_THROWS_WITH(ByteCodec<Eigen::Vector3d>::decode(p, fixed.data() + fixed.size()),
                            sampo::numerical_error, "bad Eigen shape");
}
