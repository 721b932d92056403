#pragma once
/// @file
/// Streaming estimators: crude Monte Carlo, importance sampling and control variates with
/// fixed (pre-fitted, or cross-fitted per fold) coefficients, accumulated test by test in
/// O(1) memory per estimator, mergeable between threads and MPI ranks, and fed from a CSV
/// log file without loading it.
///
/// Each test contributes one value v_i (Y_i for crude, Y_i·L_i for importance sampling,
/// Y_i·L_i − β_{fold(i)}ᵀh_i for control variates). The accumulator keeps, like the
/// in-memory estimators, Welford moments of v over fixed chunks of `chunk` tests (counted
/// from the accumulator's first test) and folds the finished chunks left to right by Chan's
/// formula. Hence:
///  - fed the tests of a log in order, result() is **bit-identical** to the in-memory
///    estimator on the same values (estimate, standard error, interval, RHW, the precision
///    report's in-order scan);
///  - merge(later) is exact arithmetic (Chan's pairwise update); when every merged piece is a
///    whole number of chunks in run order, the bits are those of a single in-order stream
///    (this is how estimate_distributed merges threads and MPI ranks);
///  - the precision report's `tests_to_target` needs the running RHW in run order, which an
///    O(1) state cannot merge: after a merge of two non-empty pieces it is 0 and
///    StreamingResult::in_order_scan is false; tests_needed and the variance-reduction
///    factors are then computed from the merged moments.
///
/// What needs the log in memory: fitting coefficients with the learning layer's shuffled
/// folds (control_variates, sparse_control_variates, multi_surrogate: the folds are a
/// permutation of all n tests) and the stratified sparse form. stream_estimate_csv fits
/// coefficients — of the log's controls, of the unbiased sparse controls or of the surrogate
/// controls built from each test's steps — in two passes over the file instead, with a fold
/// assignment that needs no n (docs/mc.md).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"
#include "sampo/mc/estimate.hpp"
#include "sampo/mc/multi_surrogate.hpp"
#include "sampo/mc/sparse_control_variates.hpp"
#include "sampo/mc/test_log.hpp"

namespace sampo {
class Progress;
}

namespace sampo::mc {

/// What a streaming accumulator estimates.
enum class StreamMethod {
  crude,                ///< v = Y; every weight must be 1
  importance_sampling,  ///< v = Y·L
  control_variates,     ///< v = Y·L − β_{fold}ᵀh with fixed coefficients
};

/// Options of StreamingEstimator and the streaming functions.
struct StreamingOptions : EstimatorOptions {
  StreamMethod method = StreamMethod::importance_sampling;
  /// control_variates: row k holds β applied to the tests of fold k (folds x d; one row for
  /// a single pre-fitted β). Each must not depend on the tests it is applied to.
  Eigen::MatrixXd fold_coefficients;

  /// @throw sampo::invalid_argument naming the field.
  void validate() const;
};

/// The answer of a streaming estimator.
struct StreamingResult : Estimate {
  double max_weight = 0;             ///< largest L_i
  double effective_sample_size = 0;  ///< (Σ L_i)² / Σ L_i²
  /// True when the precision report's tests_to_target comes from the in-order running RHW
  /// (a single in-order stream); false after merging pieces (then it is 0).
  bool in_order_scan = true;
  /// control_variates: β per fold as used; and the all-tests β when stream_estimate_csv
  /// fitted them (empty otherwise).
  Eigen::MatrixXd fold_coefficients;
  Eigen::VectorXd coefficients;
  std::vector<std::string> control_names;  ///< control_variates from a file
};

/// The accumulator's whole state: trivially copyable, so map_reduce can send it between MPI
/// ranks as it is.
struct StreamingState {
  struct Welford {
    double n = 0, mean = 0, m2 = 0;
  };
  Welford total;        ///< finished chunks, folded left to right
  Welford chunk;        ///< the running chunk
  Welford scan;         ///< in-order Welford over all tests (for the running RHW)
  Welford yl_total;     ///< Y·L: finished chunks (vrf_is of control variates)
  Welford yl_chunk;     ///< Y·L: running chunk
  std::size_t scan_last_bad = 0;  ///< last m whose running RHW was above the target
  std::size_t tests = 0;
  std::size_t first_test = 0;     ///< global index of the first test (error messages)
  double weight_sum = 0, weight_sum2 = 0, max_weight = 0;
  bool binary = true;
  bool in_order = true;
};

/// Accumulates tests one at a time; see the file comment for what is bit-identical.
class StreamingEstimator {
 public:
  /// @param first_test global index of the first test added (names tests in errors).
  /// @throw sampo::invalid_argument if options are invalid.
  explicit StreamingEstimator(StreamingOptions options, std::size_t first_test = 0);

  /// Adds one test. @param controls d values (control_variates), @param fold its row of
  /// options.fold_coefficients (ignored otherwise).
  /// @throw sampo::invalid_argument naming the test (first_test + count) and the argument:
  ///        a non-finite result, weight or control, a negative weight, a weight ≠ 1 for
  ///        crude, a wrong number of controls, a fold out of range. The state is unchanged.
  void add(double result, double weight, std::span<const double> controls = {}, int fold = 0);

  /// Appends the tests of @p later (the tests that follow this one's in run order).
  /// @throw sampo::invalid_argument if the two were built with different options.
  void merge(const StreamingEstimator& later);

  [[nodiscard]] std::size_t tests() const noexcept { return state_.tests; }
  [[nodiscard]] const StreamingState& state() const noexcept { return state_; }
  [[nodiscard]] const StreamingOptions& options() const noexcept { return options_; }
  /// Rebuilds an estimator from a state (e.g. one received from another rank).
  static StreamingEstimator from_state(StreamingOptions options, const StreamingState& state);

  /// The estimate so far. @throw sampo::invalid_argument if no test was added.
  [[nodiscard]] StreamingResult result() const;

 private:
  StreamingOptions options_;
  StreamingState state_;
  double z_ = 0;  // confidence_z(options_.confidence), once
};

/// One test as a streaming source hands it over.
struct StreamTest {
  double result = 0;
  double weight = 1;
  std::span<const double> controls;
  int fold = 0;
};

/// The tests of a log, in order, through a StreamingEstimator (crude, importance_sampling, or
/// control_variates with options.fold_coefficients and @p fold per test; @p fold may be
/// empty for one row of coefficients). Bit-identical to the in-memory estimator's values.
/// @throw sampo::invalid_argument on an empty log, bad options, a bad test, or @p fold of the
///        wrong size (empty with more than one row of coefficients).
[[nodiscard]] StreamingResult stream_estimate(const TestLog& log, const StreamingOptions& options,
                                              std::span<const int> fold = {});

/// Distributed reduction of n tests: chunk c (tests [c·chunk, (c+1)·chunk)) is accumulated
/// from @p test (called with each index in order, from any thread or rank), and the chunks
/// are merged in chunk order by sampo::parallel::map_reduce with use_mpi = true. The result
/// is bit-identical for any number of threads and MPI ranks, and its estimate, standard
/// error, interval and RHW equal an in-order stream's bits. Under MPI this is a collective
/// call (every rank passes the same n and options; every rank gets the result).
/// in_order_scan is false (tests_to_target = 0) when there is more than one chunk.
/// @param test fills one test; its controls must stay valid until the next call on the
///        same thread.
[[nodiscard]] StreamingResult estimate_distributed(
    std::size_t n, const std::function<void(std::size_t, StreamTest&)>& test,
    const StreamingOptions& options);

/// Reads a CSV test log (log_io.hpp's form) a batch of tests at a time, checking every row
/// as read_test_log_csv does; memory O(batch + columns).
class TestLogCsvStream {
 public:
  /// Opens @p path and reads its version line and header.
  /// @throw sampo::io_error as read_test_log_csv.
  explicit TestLogCsvStream(const std::filesystem::path& path, std::size_t batch_tests = 4096);
  ~TestLogCsvStream();
  TestLogCsvStream(TestLogCsvStream&&) noexcept;
  TestLogCsvStream& operator=(TestLogCsvStream&&) noexcept;

  [[nodiscard]] const TestLogSchema& schema() const noexcept;
  /// The next batch of up to batch_tests whole tests (global indices start at tests_before());
  /// false (and @p batch empty) at the end of the file.
  /// @throw sampo::io_error naming the file, data row, line and field.
  bool next(TestLog& batch);
  /// Tests handed over before the last batch.
  [[nodiscard]] std::size_t tests_before() const noexcept;
  /// Bytes of the file consumed so far, and its size (for progress).
  [[nodiscard]] std::uintmax_t bytes_read() const noexcept;
  [[nodiscard]] std::uintmax_t file_size() const noexcept;
  /// @p progress (may be null; not owned) advances by the bytes consumed, every few thousand
  /// rows and at the end of each batch.
  void set_progress(sampo::Progress* progress) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Options of stream_estimate_csv.
struct StreamFileOptions : StreamingOptions {
  /// control_variates: the log's controls to use (empty: all); coefficients are cross-fitted
  /// in two passes over the file when fold_coefficients is empty.
  std::vector<std::string> controls;
  /// control_variates: when set, the controls are the sparse control variates of each test's
  /// steps (sparse_control_variates' unbiased form: SparseControls(schema, *sparse)) instead of
  /// the log's control columns; `controls` must then be empty, sparse->stratification none,
  /// and the folds and seed are this struct's (sparse->folds and sparse->seed are not used).
  std::optional<SparseControlVariateOptions> sparse;
  /// control_variates: when true, the controls are the log's surrogate controls
  /// (surrogate_controls: H_s = Σ_j L_{j−1}(w_j v_js − c_js)) with weights on the simplex, as
  /// multi_surrogate fits them; `controls` must be empty and `sparse` unset.
  bool multi_surrogate = false;
  int folds = 5;           ///< cross-fitting folds (>= 2) for the two-pass fit
  std::uint64_t seed = 0;  ///< of the folds: test i is in stream_fold(seed, i, folds)
  double rank_tolerance = 1e-10;
  std::size_t batch_tests = 4096;  ///< tests read per batch (>= 1)
  void validate() const;
};

/// Streams a CSV log file through a StreamingEstimator without loading it: one pass for
/// crude / importance sampling / control variates with given coefficients, two for
/// control variates to be fitted (pass 1: moments of (h, Y·L) per fold; β_{−k} from the other
/// folds' moments; pass 2: the values). With options.sparse, h is SparseControls' vector of
/// each test, computed from its steps as the batch is read (memory O(batch + folds·d²)); with
/// options.multi_surrogate, h is surrogate_controls' vector and β_{−k} the simplex weights
/// (the QP of multi_surrogate on the other folds' moments). @p progress (may be null) is advanced in bytes.
/// @throw sampo::io_error on a bad file; sampo::invalid_argument on bad options or a test
///        the method refuses.
[[nodiscard]] StreamingResult stream_estimate_csv(const std::filesystem::path& path,
                                                  const StreamFileOptions& options,
                                                  sampo::Progress* progress = nullptr);

/// The fold of test @p i for stream_estimate_csv: RandomStream(seed, 0x6d632d666f6c64 ("mc-fold"),
/// i).uniform_int(folds), counter-based, so it needs no n and no other test.
/// @throw sampo::invalid_argument if folds < 1.
[[nodiscard]] int stream_fold(std::uint64_t seed, std::size_t i, int folds);

}  // namespace sampo::mc
