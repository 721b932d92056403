#pragma once
/// @file
/// cav tests as sampo::mc test logs (docs/cav.md, "Test logs"): the bridge from the simulator
/// to mc's estimators and to mc's CSV / NPY log files.
///
/// One log test per cav test: result Y = 1{the vehicle under test crashed} (0 or 1), weight
/// L = the test's likelihood ratio Π_j p_j/q_j (1 under NDE), no controls. One log step per
/// critical step j, in step order: p_j, q_j, ordinal = the decision index (time step) of the
/// step, ε_j, the feature `criticality` (C_j = Σ_u p(u)·V_SM(u), computed from the state before
/// the action is drawn, so predictable as mc requires) and the surrogate `sm`: value = V_SM of
/// the sampled action, mean = C_j (E_p[V_SM] at the step, which is exactly the criticality).
/// The estimate E_q[Y·L] is then mc's importance-sampling estimate, and every mc estimator
/// (control variates, sparse control variates, the multi-surrogate QP) applies.

#include <cstddef>
#include <cstdint>
#include <span>

#include "sampo/cav/environment.hpp"
#include "sampo/cav/exact_car_following.hpp"
#include "sampo/mc/test_log.hpp"
#include "sampo/parallel/map_reduce.hpp"

namespace sampo::cav {

/// The schema of the logs below: features {"criticality"}, surrogates {"sm"}, no controls.
mc::TestLogSchema test_log_schema();

/// The schema of the logs of tests run with @p options: test_log_schema(), then one surrogate
/// per options.logged_surrogates (its name; value = V_s of the sampled action, mean = its
/// naturalistic mean at the step) after "sm".
mc::TestLogSchema test_log_schema(const TestOptions& options);

/// The log of @p tests, in the order given.
/// @throw sampo::invalid_argument (from mc::TestLogBuilder) naming the test and step if a
///        record holds a value a log refuses (p outside [0, 1], q = 0, a negative ordinal...),
///        or if a record carries logged surrogates (use the overload with the options).
mc::TestLog to_test_log(std::span<const TestRecord> tests);

/// The log of @p tests run with @p options (schema test_log_schema(options)), in the order
/// given: the logged surrogates' values and means become surrogate columns.
/// @throw sampo::invalid_argument if a record's surrogate_values / surrogate_means do not hold
///        one entry per critical step and logged surrogate, or as the overload above.
mc::TestLog to_test_log(std::span<const TestRecord> tests, const TestOptions& options);

/// The log of tests of the exact benchmark (ExactCarFollowing::sample), in the order given.
mc::TestLog to_test_log(std::span<const DpTest> tests);

/// Runs tests 0 .. n − 1 of @p options and returns their log (schema test_log_schema(options)): blocks of
/// @p parallel.block_size consecutive tests (one TestRunner per block) are spread over OpenMP
/// threads and — when the program runs under an MPI launcher and @p parallel.use_mpi — over
/// MPI ranks by sampo::parallel::map_reduce (then a collective call: every rank returns the
/// whole log). Each test is a pure function of (options, index) and the blocks are joined in
/// index order, so the log is bit-identical for any thread count, rank count and block size.
/// `parallel.progress`, if set, advances by the tests of each finished block.
/// @throw sampo::invalid_argument if n == 0 or the options are invalid.
mc::TestLog run_test_log(const TestOptions& options, std::size_t n,
                         const parallel::MapReduceOptions& parallel = {});

}  // namespace sampo::cav
