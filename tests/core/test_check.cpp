#include "sampo/core/check.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "sampo/core/error.hpp"
#include "sampo/testing/fixtures.hpp"
#include "sampo_test.hpp"

using namespace sampo;
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
const double eps = std::numeric_limits<double>::epsilon();

TEST_CASE("scalar checks accept good values and name bad ones", "[core][check]") {
  CHECK_NOTHROW(check_finite("f", "x", 1.0));
  SAMPO_REQUIRE_THROWS_WITH(check_finite("f", "x", kNaN), invalid_argument, "f: argument 'x' = nan");
  CHECK_NOTHROW(check_positive("f", "x", 1e-300));
  SAMPO_REQUIRE_THROWS_WITH(check_positive("f", "rtol", 0.0), invalid_argument, "'rtol' = 0", "> 0");
  SAMPO_REQUIRE_THROWS_WITH(check_positive("f", "rtol", kInf), invalid_argument, "= inf");
  CHECK_NOTHROW(check_nonnegative("f", "x", 0.0));
  CHECK_THROWS_AS(check_nonnegative("f", "x", -1e-300), invalid_argument);
  CHECK_THROWS_AS(check_nonnegative("f", "x", kNaN), invalid_argument);
  CHECK_NOTHROW(check_in_range("f", "p", 0.5, 0, 1));
  CHECK_NOTHROW(check_in_range("f", "p", 1.0, 0, 1));
  SAMPO_REQUIRE_THROWS_WITH(check_in_range("f", "p", 1.5, 0, 1), invalid_argument, "[0, 1]");
  CHECK_THROWS_AS(check_in_range("f", "p", kNaN, 0, 1), invalid_argument);
  CHECK_NOTHROW(check_nonempty("f", "v", 3));
  SAMPO_REQUIRE_THROWS_WITH(check_nonempty("f", "v", 0), invalid_argument, "'v': is empty");
}

TEST_CASE("check_finite on matrices reports the first bad entry", "[core][check]") {
  Eigen::MatrixXd m = Eigen::MatrixXd::Ones(3, 4);
  CHECK_NOTHROW(check_finite("f", "M", m));
  m(2, 1) = kNaN;
  SAMPO_REQUIRE_THROWS_WITH(check_finite("f", "M", m), invalid_argument, "entry (2, 1) is nan");
  Eigen::VectorXd v = Eigen::VectorXd::Zero(5);
  v(4) = -kInf;
  SAMPO_REQUIRE_THROWS_WITH(check_finite("f", "v", v), invalid_argument, "(4, 0) is -inf");
}

TEST_CASE("check_shape and check_square", "[core][check]") {
  Eigen::MatrixXd m(3, 2);
  m.setZero();
  CHECK_NOTHROW(check_shape("f", "M", m, 3, 2));
  CHECK_NOTHROW(check_shape("f", "M", m, -1, 2));
  SAMPO_REQUIRE_THROWS_WITH(check_shape("f", "M", m, 2, 2), invalid_argument, "has shape 3x2",
                            "expected 2x2");
  SAMPO_REQUIRE_THROWS_WITH(check_shape("f", "M", m, -1, 3), invalid_argument, "expected anyx3");
  SAMPO_REQUIRE_THROWS_WITH(check_square("f", "M", m), invalid_argument, "square");
  SAMPO_REQUIRE_THROWS_WITH(check_square("f", "M", Eigen::MatrixXd()), invalid_argument, "is empty");
}

TEST_CASE("check_symmetric and check_spd", "[core][check]") {
  Eigen::Matrix2d a;
  a << 2, 1, 1, 2;  // eigenvalues 1 and 3
  CHECK_NOTHROW(check_symmetric("f", "A", a));
  CHECK_NOTHROW(check_spd("f", "A", a));
  Eigen::Matrix2d b = a;
  b(0, 1) = 1.5;
  SAMPO_REQUIRE_THROWS_WITH(check_symmetric("f", "A", b), invalid_argument, "not symmetric",
                            "(1, 0) = 1", "(0, 1) = 1.5");
  Eigen::Matrix2d c;
  c << -1, 0, 0, 3;  // eigenvalues -1 and 3, exactly
  SAMPO_REQUIRE_THROWS_WITH(check_spd("f", "C", c), invalid_argument,
                            "not symmetric positive definite", "smallest eigenvalue -1");
  Eigen::Matrix2d s;
  s << 1, 1, 1, 1;  // singular: eigenvalue 0 (within rounding)
  CHECK_THROWS_AS(check_spd("f", "S", s), invalid_argument);
  a(0, 0) = kNaN;
  CHECK_THROWS_AS(check_spd("f", "A", a), invalid_argument);
  SAMPO_REQUIRE_THROWS_WITH(throw_not_spd("f", "C", -0.5, "use shrinkage"), invalid_argument,
                            "smallest eigenvalue -0.5", "use shrinkage");
}

TEST_CASE("the one SPD rule: lambda_min > n eps lambda_max and lambda_min > 0", "[core][check]") {

  // The threshold itself: 4·eps·λ_max for n = 4, strict.
  CHECK_FALSE(is_spd_spectrum(4, 4 * eps, 1.0));
  CHECK(is_spd_spectrum(4, std::nextafter(4 * eps, 1.0), 1.0));
  CHECK_FALSE(is_spd_spectrum(4, 4 * eps * 1e6, 1e6));  // scale-free: λ_min / λ_max decides
  CHECK(is_spd_spectrum(1, 1e-300, 1e-300));             // n = 1: any positive number
  CHECK_FALSE(is_spd_spectrum(3, -1.0, -0.5));           // λ_max <= 0
  CHECK_FALSE(is_spd_spectrum(3, 0.0, 0.0));
  CHECK_FALSE(is_spd_spectrum(3, kNaN, 1.0));
  CHECK_FALSE(is_spd_spectrum(3, 1.0, kNaN));

  // A matrix that Cholesky factors but whose smallest eigenvalue is at rounding level:
  // [[1, 1], [1, 1 + 2^-52]] has λ = 1 + 2^-53 ± sqrt(1 + 2^-106) ≈ {1.1e-16, 2}: λ_min is
  // below 2·eps·2 ≈ 8.9e-16. Its second Cholesky pivot² is 2^-52 > 0, so the Cholesky check
  // that check_spd used before the one rule accepted it.
  Eigen::Matrix2d near;
  near << 1, 1, 1, 1 + eps;
  REQUIRE(Eigen::LLT<Eigen::MatrixXd>(near).info() == Eigen::Success);
  SAMPO_REQUIRE_THROWS_WITH(check_spd("f", "N", near), not_spd_error, "f: argument 'N'",
                            "not symmetric positive definite", "smallest eigenvalue");
  // Well inside the rule: accepted (κ = 1e12 for n = 2: λ_min = 1e-12 ≫ 2·eps).
  Eigen::Matrix2d ill;
  ill << 1, 0, 0, 1e-12;
  CHECK_NOTHROW(check_spd("f", "I", ill));

  // From a list of eigenvalues (any order), with advice; not_spd_error is an invalid_argument.
  CHECK_NOTHROW(check_spd_eigenvalues("f", "e", Eigen::Vector3d(2.0, 1.0, 3.0)));
  SAMPO_REQUIRE_THROWS_WITH(check_spd_eigenvalues("f", "e", Eigen::Vector3d(2.0, 1e-17, 3.0), "try"),
                            not_spd_error, "smallest eigenvalue 1e-17", "; try");
  SAMPO_REQUIRE_THROWS_WITH(check_spd_eigenvalues("f", "e", Eigen::Vector3d(1.0, kNaN, 3.0)),
                            invalid_argument, "smallest eigenvalue nan");
  CHECK_THROWS_AS(throw_not_spd("f", "C", -0.5), not_spd_error);
  CHECK_THROWS_AS(throw_not_spd("f", "C", -0.5), std::invalid_argument);
}

TEST_CASE("check_spd decides by the rule on both sides of its threshold", "[core][check]") {
  // check_spd accepts most matrices by one Cholesky factorization of m − δI and leaves the
  // rest to the eigenvalues; its decision must be the rule's, λ_min > n·eps·λ_max, evaluated on
  // eigenvalues computed by Eigen's solver. Seeded sweep: random orientations, n from 2 to 40,
  // λ_min/λ_max from 1e-6 (far inside, the Cholesky path) through the threshold n·eps (where
  // only the eigenvalues can decide) down to 1e-18 and to negative values. The ratios stay a
  // factor 10 away from the threshold itself so that the eigenvalues' own rounding (~n·eps·
  // λ_max relative to λ_min's size there) cannot flip the expected answer.
  const std::uint64_t seed = sampo::testing::fixture_seed(11);
  int accepted = 0, refused = 0;
  std::uint64_t index = 0;
  for (Eigen::Index n : {2, 3, 7, 16, 22, 40}) {
    const double threshold = static_cast<double>(n) * eps;
    for (double ratio : {1e-6, 1e-10, 1e3 * threshold, 10 * threshold, 0.1 * threshold,
                         1e-3 * threshold, 1e-18, 0.0, -1e-12, -0.5}) {
      Eigen::VectorXd lambda = Eigen::VectorXd::LinSpaced(n, 1.0, 3.0);
      lambda(0) = 3.0 * ratio;  // λ_max = 3
      const Eigen::MatrixXd m = sampo::testing::spd_with_spectrum(lambda, seed, 0, index++);
      const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m, Eigen::EigenvaluesOnly);
      const bool rule = is_spd_spectrum(n, es.eigenvalues().minCoeff(), es.eigenvalues().maxCoeff());
      CAPTURE(n, ratio);
      CHECK(rule == (ratio > threshold));  // the sweep straddles the threshold as intended
      if (rule) {
        CHECK_NOTHROW(check_spd("f", "m", m));
        ++accepted;
      } else {
        CHECK_THROWS_AS(check_spd("f", "m", m), not_spd_error);
        ++refused;
      }
    }
  }
  CHECK(accepted == 24);
  CHECK(refused == 36);
}
