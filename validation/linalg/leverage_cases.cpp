// Validation of sampo::linalg::leverage_scores against closed forms: orthonormal columns
// embedded in zero rows, and Σ h_i = rank for full-rank and rank-deficient matrices.
#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>

#include "registry.hpp"
#include "sampo/linalg/leverage.hpp"
#include "sampo/testing/fixtures.hpp"

namespace {
using sampo::linalg::LeverageMethod;
constexpr double kEps = std::numeric_limits<double>::epsilon();

/// A fixed n x p matrix of entries uniform on (-1, 1): the fixture kit's stream (seed 7,
/// stream 0), the same numbers on every platform (κ ≈ 1 + O(√(p/n))).
Eigen::MatrixXd fixed_matrix(Eigen::Index n, Eigen::Index p) {
  return sampo::testing::uniform_matrix(n, p, 7, 0);
}

sampo::linalg::LeverageResult run(const Eigen::MatrixXd& a, LeverageMethod m) {
  sampo::linalg::LeverageOptions o;
  o.method = m;
  return sampo::linalg::leverage_scores(a, o);
}
}  // namespace

SAMPO_VALIDATION_GROUP(leverage) {
  for (auto m : {LeverageMethod::qr, LeverageMethod::gram}) {
    const std::string route(sampo::linalg::to_string(m));
    sampo::validation::register_case(
        {"linalg", "leverage/orthonormal_in_zeros/" + route, [m] {
           // A = [0; U; 0], U (30 x 5) with orthonormal columns: h = ‖U_i‖² on U's rows, 0 else.
           Eigen::HouseholderQR<Eigen::MatrixXd> qr(fixed_matrix(30, 5));
           const Eigen::MatrixXd u = qr.householderQ() * Eigen::MatrixXd::Identity(30, 5);
           Eigen::MatrixXd a = Eigen::MatrixXd::Zero(100, 5);
           a.middleRows(40, 30) = u;
           Eigen::VectorXd expected = Eigen::VectorXd::Zero(100);
           expected.segment(40, 30) = u.rowwise().squaredNorm();
           const double err = (run(a, m).scores - expected).cwiseAbs().maxCoeff();
           return sampo::validation::bound(
               err, 20 * kEps,
               "max |h_i - ‖U_i‖²| for A = [0; U; 0] with orthonormal U (100 x 5); κ(A) = 1, so "
               "both routes are accurate to O(p·eps)");
         }});
    sampo::validation::register_case(
        {"linalg", "leverage/sum_equals_rank/full_rank/" + route, [m] {
           const Eigen::MatrixXd a = fixed_matrix(5000, 20);
           const double sum = run(a, m).scores.sum();
           return sampo::validation::compare_absolute(
               20.0, sum, 5000 * 20 * kEps,
               "Σ h_i = rank = 20 for a deterministic 5000 x 20 matrix; each score carries "
               "O(p·eps) relative error and the sum O(n·eps) more: tolerance n·p·eps");
         }});
  }
  sampo::validation::register_case(
      {"linalg", "leverage/sum_equals_rank/rank_deficient/automatic", [] {
         Eigen::MatrixXd a = fixed_matrix(2000, 8);
         a.col(7) = a.col(0) - 2.0 * a.col(3);  // rank 7
         const auto r = sampo::linalg::leverage_scores(a);
         if (r.rank != 7)
           return sampo::validation::bound(std::abs(static_cast<double>(r.rank) - 7.0), 0.0,
                                           "numerical rank should be 7");
         return sampo::validation::compare_absolute(
             7.0, r.scores.sum(), 2000 * 8 * kEps,
             "Σ h_i = rank = 7 for a 2000 x 8 matrix with one dependent column: the automatic "
             "route detects the rank deficiency and uses QR + SVD of R; tolerance n·p·eps");
       }});
}
