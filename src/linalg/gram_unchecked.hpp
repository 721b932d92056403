#pragma once
// linalg-internal: the Gram matrix without argument checks, for linalg's own callers that have
// checked their input (leverage scores by the normal equations).
#include "sampo/core/eigen.hpp"

namespace sampo::linalg::detail {

/// gram() without the argument checks (@p a is non-empty; a non-finite entry makes its column's
/// diagonal entry non-finite, which callers test instead of scanning @p a first).
Eigen::MatrixXd gram_unchecked(const Eigen::Ref<const Eigen::MatrixXd>& a);

}  // namespace sampo::linalg::detail
