#pragma once
// For the tests of functions whose documentation promises the same bits for any thread
// count: run a computation under a given OpenMP thread count, and compare results entry by
// entry with == (no tolerance). Needs OpenMP (tests that link sampo::parallel have it).
#include <omp.h>

#include <Eigen/Core>
#include <utility>

namespace sampo::test {

/// f() run with omp_set_num_threads(threads): the team size of every OpenMP region it opens
/// and of sampo::parallel loops with MapReduceOptions::threads = 0. The previous setting is
/// restored, also when f throws.
template <class F>
decltype(auto) with_threads(int threads, F&& f) {
  struct Restore {
    int threads;
    ~Restore() { omp_set_num_threads(threads); }
  } restore{omp_get_max_threads()};
  omp_set_num_threads(threads);
  return std::forward<F>(f)();
}

/// Same shape and a(i, j) == b(i, j) for every entry.
inline bool same_entries(const Eigen::Ref<const Eigen::MatrixXd>& a,
                         const Eigen::Ref<const Eigen::MatrixXd>& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      if (!(a(i, j) == b(i, j))) return false;
  return true;
}

}  // namespace sampo::test
