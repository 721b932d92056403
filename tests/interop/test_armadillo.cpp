#include "sampo/interop/armadillo.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo_test.hpp"

using sampo::interop::as_arma;
using sampo::interop::as_eigen;

TEST_CASE("as_eigen views an arma::mat without copying", "[interop][armadillo]") {
  arma::mat a(3, 2);
  for (arma::uword j = 0; j < 2; ++j)
    for (arma::uword i = 0; i < 3; ++i)
      a(i, j) = 10.0 * static_cast<double>(i) + static_cast<double>(j);
  auto e = as_eigen(a);
  CHECK(e.data() == a.memptr());
  REQUIRE(e.rows() == 3);
  REQUIRE(e.cols() == 2);
  CHECK(e(2, 1) == 21);
  CHECK(e(1, 0) == 10);
  e(0, 1) = -5;  // write through the view
  CHECK(a(0, 1) == -5);
  a(2, 0) = 7;  // and the other way
  CHECK(e(2, 0) == 7);
  // Eigen algorithms run on the view in place.
  e *= 2.0;
  CHECK(a(2, 0) == 14);

  const arma::mat& ca = a;
  auto ce = as_eigen(ca);
  static_assert(std::is_same_v<decltype(ce), Eigen::Map<const Eigen::MatrixXd>>);
  CHECK(ce.data() == a.memptr());
  CHECK(ce(0, 1) == -10);
}

TEST_CASE("as_eigen views an arma::vec as a VectorXd", "[interop][armadillo]") {
  arma::vec v = {1.0, 2.0, 3.0};
  auto e = as_eigen(v);
  static_assert(std::is_same_v<decltype(e), Eigen::Map<Eigen::VectorXd>>);
  CHECK(e.data() == v.memptr());
  REQUIRE(e.size() == 3);
  e(1) = 20;
  CHECK(v(1) == 20);
  const arma::vec& cv = v;
  auto ce = as_eigen(cv);
  static_assert(std::is_same_v<decltype(ce), Eigen::Map<const Eigen::VectorXd>>);
  CHECK(ce.sum() == 24);
}

TEST_CASE("as_arma views Eigen memory without copying", "[interop][armadillo]") {
  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  arma::mat a = as_arma(m);
  CHECK(a.memptr() == m.data());
  REQUIRE(a.n_rows == 2);
  REQUIRE(a.n_cols == 3);
  CHECK(a(1, 2) == 6);
  CHECK(a(0, 1) == 2);
  a(1, 0) = -4;
  CHECK(m(1, 0) == -4);
  m(0, 2) = 30;
  CHECK(a(0, 2) == 30);
  // strict = true: Armadillo refuses to resize memory it does not own.
  CHECK_THROWS(a.set_size(5, 5));
  CHECK(m.rows() == 2);

  Eigen::VectorXd v(3);
  v << 1, 2, 3;
  arma::vec av = as_arma(v);
  CHECK(av.memptr() == v.data());
  REQUIRE(av.n_elem == 3);
  av(2) = 9;
  CHECK(v(2) == 9);

  // A round trip Eigen -> Armadillo -> Eigen lands on the same memory.
  CHECK(as_eigen(a).data() == m.data());
}

TEST_CASE("the header's example runs as written", "[interop][armadillo]") {
  // Verbatim from the @file comment of sampo/interop/armadillo.hpp: keep the two in step.
  arma::mat X(100, 5, arma::fill::randu);
  auto lev = sampo::linalg::leverage_scores(sampo::interop::as_eigen(X));  // no copy
  double total = lev.scores.sum();  // = rank(X) = 5 (tests/interop runs this example)
  // Leverage scores sum to the rank; 100 x 5 uniform entries are full rank. Each score is an
  // O(eps * kappa) computation with kappa ~ 10 here, so the sum is exact to ~1e-13.
  CHECK(total == Approx(5.0).epsilon(1e-12));
}
