#pragma once
// sampo::mc internals shared by the estimators (not installed): Chan-mergeable moments, the
// fold assignment, the cross-fitted regression / simplex fit, and the summary of per-test
// values into an Estimate.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/mc/estimate.hpp"
#include "sampo/parallel/byte_codec.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::mc::detail {

/// Count, mean and sum of outer products of deviations of a stream of m-vectors, merged by
/// Chan's formula (linalg::RunningCovariance's state, in a form map_reduce can move between
/// ranks: RunningCovariance cannot be rebuilt from its state).
struct Moments {
  double n = 0;
  Eigen::VectorXd mean;
  Eigen::MatrixXd m2;

  Moments() = default;
  explicit Moments(Eigen::Index m) : mean(Eigen::VectorXd::Zero(m)), m2(Eigen::MatrixXd::Zero(m, m)) {}
  void push(const Eigen::Ref<const Eigen::VectorXd>& x);
  void merge(const Moments& other);
};

/// The parallel options of an estimator run (local to the process: the log is in memory).
parallel::MapReduceOptions parallel_options(const EstimatorOptions& options);

/// Fold index in [0, folds) of each of n items: sampo::learn::kfold (a seeded shuffle dealt
/// round-robin, fold sizes differ by at most one); folds = 1: all zero (in-sample fits).
std::vector<int> kfold(std::size_t n, int folds, std::uint64_t seed);

/// y and controls h (size d) of item t.
using ItemFn = std::function<void(std::size_t t, double& y, Eigen::Ref<Eigen::VectorXd> h)>;

enum class FitKind { regression, simplex };

struct FitOutput {
  Eigen::VectorXd values;        // y_t − β_{fold(t)}ᵀ h_t, item order
  Eigen::VectorXd beta;          // on all items
  Eigen::MatrixXd fold_beta;     // folds x d
  Eigen::Index rank = 0;         // of the all-items fit (regression)
  std::vector<bool> constant;    // control j constant over all items (regression)
  Moments total;                 // moments of (h, y) over all items
  std::vector<Moments> per_fold;
  Run qp_run;                    // simplex: the worst QP run
};

/// Cross-fitted fit over @p items items: pass 1 accumulates the moments of (h, y) per fold;
/// β_{−k} is fitted on the other folds (all items when folds == 1); pass 2 forms the values.
FitOutput cross_fit(std::size_t items, Eigen::Index d, const ItemFn& item,
                    const std::vector<int>& fold, int folds, FitKind kind, double rank_tolerance,
                    const EstimatorOptions& options);

/// Throws sampo::invalid_argument (naming @p function and 'log') when n is below
/// max(2, 2·folds): every fold and its complement need tests.
void check_min_tests(std::string_view function, std::size_t n, int folds);

/// Checks the fitting options shared by the control-variate estimators: folds >= 1 and
/// rank_tolerance in [0, 1); throws sampo::invalid_argument naming @p function.
void check_fit_options(std::string_view function, int folds, double rank_tolerance);

/// Selects the control columns @p wanted (all of @p all when empty) by name: appends their
/// indices to @p pick and returns their names. Throws sampo::invalid_argument (naming
/// @p function) when @p all is empty or a wanted name is not among them.
std::vector<std::string> pick_controls(std::string_view function,
                                       const std::vector<std::string>& all,
                                       const std::vector<std::string>& wanted,
                                       std::vector<std::size_t>& pick);

/// Regression slope of y on h (with intercept) from moments; constant controls get 0.
Eigen::VectorXd regression_slope(const Moments& m, Eigen::Index d, double rank_tolerance,
                                 Eigen::Index* rank, std::vector<bool>* constant);

/// Simplex weights λ (λ >= 0, Σλ = 1) minimising the variance of y − λᵀh from the moments of
/// (h, y); @p worst keeps the first QP run that did not converge and counts every iteration.
Eigen::VectorXd simplex_weights(const Moments& m, Eigen::Index d, Run& worst);

/// Fills the Estimate fields from per-test values (moments by map_reduce over chunks, then the
/// precision report).
void summarize(const Eigen::Ref<const Eigen::VectorXd>& values, const EstimatorOptions& options,
               bool binary, double is_variance, Estimate& out);

/// Variance of the per-test values Y_i·L_i of a log-like accessor (map_reduce, fixed order).
double sample_variance(std::size_t n, const std::function<double(std::size_t)>& value,
                       const EstimatorOptions& options, double* mean = nullptr);

}  // namespace sampo::mc::detail

template <>
struct sampo::parallel::ByteCodec<sampo::mc::detail::Moments> {
  static void encode(const sampo::mc::detail::Moments& m, std::vector<std::byte>& out) {
    ByteCodec<double>::encode(m.n, out);
    ByteCodec<Eigen::VectorXd>::encode(m.mean, out);
    ByteCodec<Eigen::MatrixXd>::encode(m.m2, out);
  }
  static sampo::mc::detail::Moments decode(const std::byte*& in, const std::byte* end) {
    sampo::mc::detail::Moments m;
    m.n = ByteCodec<double>::decode(in, end);
    m.mean = ByteCodec<Eigen::VectorXd>::decode(in, end);
    m.m2 = ByteCodec<Eigen::MatrixXd>::decode(in, end);
    return m;
  }
};
