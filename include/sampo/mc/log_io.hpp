#pragma once
/// @file
/// Reading and writing test logs: a CSV file and an NPY directory, both versioned and
/// self-describing (docs/mc.md, "The test log").
///
/// CSV (one file). Line 1: `# sampo-mc-log <version>`. Line 2: the column names. Then one row
/// per critical step (a test without critical steps has one row whose step fields are empty):
///     test,result,weight[,control:<name>...],step,p,q,ordinal,epsilon
///     [,feature:<name>...][,value:<surrogate>,mean:<surrogate>...]
/// `test` numbers the tests 0, 1, ... in order; its rows are consecutive, with `step` = 0, 1,
/// ... and the same result, weight and controls on each. Which optional columns are present
/// is the schema.
///
/// NPY (a directory, written as one transaction: all three files or none):
///   manifest.json  {"format": "sampo-mc-log", "version": 1, "tests": n, "steps": S,
///                   "test_columns": [...], "step_columns": [...]}
///   tests.npy      n x (2 + controls) float64: result, weight, controls
///   steps.npy      S x (5 + features + 2·surrogates) float64: test, p, q, ordinal, epsilon,
///                  features, then value/mean per surrogate; rows grouped by test in order.

#include <filesystem>

#include "sampo/mc/test_log.hpp"

namespace sampo::mc {

/// Writes @p log as CSV, atomically. @throw sampo::io_error if the file cannot be written.
void write_test_log_csv(const std::filesystem::path& path, const TestLog& log);

/// Reads a CSV test log.
/// @throw sampo::io_error naming the file, the data row and the field: missing file, missing
///        or unknown version line, missing required column, unknown column, a test number out
///        of order, test fields that differ between a test's rows, a step number out of order,
///        or a value the builder refuses (p outside [0, 1], q = 0, NaN, ...).
[[nodiscard]] TestLog read_test_log_csv(const std::filesystem::path& path);

/// Writes @p log as an NPY directory (created if needed), atomically as a set.
/// @throw sampo::io_error if a file cannot be written.
void write_test_log_npy(const std::filesystem::path& directory, const TestLog& log);

/// Reads an NPY test log directory.
/// @throw sampo::io_error naming the file and the row/field, as read_test_log_csv.
[[nodiscard]] TestLog read_test_log_npy(const std::filesystem::path& directory);

/// Reads either form: a directory as NPY, a file as CSV.
[[nodiscard]] TestLog read_test_log(const std::filesystem::path& path);

}  // namespace sampo::mc
