// Must not compile (test core.compile_fail_eigen_abi_other_align): a file that includes Eigen
// with its own alignment setting before a sampo header. Its Eigen would assume 16-byte aligned
// arrays freed by malloc where sampo's are 64-byte aligned with Eigen's own allocator, so
// <sampo/core/eigen.hpp> stops the build with a message naming both values.
#undef EIGEN_MAX_ALIGN_BYTES
#define EIGEN_MAX_ALIGN_BYTES 16
#include <Eigen/Dense>

#include "sampo/linalg/leverage.hpp"

int main() {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(3, 2);
  return sampo::linalg::leverage_scores(a).scores.size() == 3 ? 0 : 1;
}
