#pragma once
/// @file
/// Pluggable naturalistic probability tables (read from CSV or NPY) and the naturalistic model
/// built on them, with the parametric model as the fallback outside the tables' support.
///
/// A ProbabilityTable is a regular grid over 1 to 3 key variables (e.g. range, range rate,
/// speed) holding `values` numbers per cell: either a pmf over the 31 accelerations of the
/// action set (`pmf_rows`: entries >= 0 summing to 1, or all zero for a cell without data),
/// or one probability in [0, 1] (a lane-change table). Lookup takes the nearest cell; keys
/// more than half a step beyond the grid are outside the support.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sampo/cav/naturalistic.hpp"

namespace sampo::cav {

/// One key variable of a table: cells at start + k·step, k = 0..count − 1.
struct GridAxis {
  std::string name;
  double start = 0.0;
  double step = 1.0;      ///< > 0
  std::size_t count = 1;  ///< >= 1
};

/// A table of probabilities over a regular grid (row-major in the axes, last axis fastest).
class ProbabilityTable {
 public:
  /// @param axes     1..3 axes.
  /// @param values   numbers per cell (>= 1).
  /// @param data     product(count)·values numbers, cell after cell.
  /// @param pmf_rows true: each cell is a pmf (sums to 1 within 1e-6, or is all zero: no
  ///                 data); false: each number is a probability in [0, 1].
  /// @param source   what to call the table in messages (a file name).
  /// @throw sampo::invalid_argument naming the source and the row (with its keys) on a
  ///        negative or non-finite entry, a probability above 1, or a row not summing to 1;
  ///        or on bad axes or a size mismatch.
  ProbabilityTable(std::vector<GridAxis> axes, std::size_t values, std::vector<double> data,
                   bool pmf_rows, std::string source = "table");

  [[nodiscard]] const std::vector<GridAxis>& axes() const noexcept { return axes_; }
  [[nodiscard]] std::size_t values() const noexcept { return values_; }
  [[nodiscard]] std::size_t cells() const noexcept { return data_.size() / values_; }
  [[nodiscard]] bool pmf_rows() const noexcept { return pmf_rows_; }
  /// The nearest cell to @p keys (one per axis), or -1 outside the support.
  [[nodiscard]] long cell(std::span<const double> keys) const noexcept;
  /// The numbers of cell @p c.
  [[nodiscard]] std::span<const double> row(std::size_t c) const noexcept {
    return {data_.data() + c * values_, values_};
  }
  /// True when cell @p c of a pmf table holds data (is not all zero).
  [[nodiscard]] bool has_data(std::size_t c) const noexcept;

 private:
  std::vector<GridAxis> axes_;
  std::size_t values_;
  std::vector<double> data_;
  bool pmf_rows_;
  std::string source_;
};

/// Reads a table from CSV (io::read_csv): one row per cell, the key columns @p key_columns
/// and the value columns @p value_columns (e.g. a0 … a30, or p), rows in any order. Each key
/// column's distinct values must be evenly spaced (they define the axis) and every grid cell
/// must appear exactly once.
/// @throw sampo::io_error for an unreadable or malformed file; sampo::invalid_argument
///        naming a missing column, or naming the file and row for a bad grid or bad
///        probabilities.
ProbabilityTable read_probability_table_csv(const std::filesystem::path& path,
                                            const std::vector<std::string>& key_columns,
                                            const std::vector<std::string>& value_columns,
                                            bool pmf_rows);

/// Reads a table from NPY (io::read_npy): an array of shape (n1, …, nD, values) in C order;
/// @p axes give each key's name, start and step (their counts are taken from the shape).
/// @throw sampo::io_error for an unreadable file; sampo::invalid_argument naming the file for
///        a shape that does not match (D + 1 dimensions, last = @p values) or bad probabilities.
ProbabilityTable read_probability_table_npy(const std::filesystem::path& path,
                                            std::vector<GridAxis> axes, std::size_t values,
                                            bool pmf_rows);

/// The tables of a data-driven naturalistic model. Any may be empty (null).
struct NaturalisticTables {
  /// Car-following accelerations: keys (range m, range rate m/s, speed m/s) → 31-value pmf;
  /// range = gap to the leader, range rate = leader speed − own speed.
  std::shared_ptr<const ProbabilityTable> car_following;
  /// Free-flow accelerations (no leader within the car-following table's range): keys
  /// (speed) → 31-value pmf.
  std::shared_ptr<const ProbabilityTable> free_flow;
  /// Lane-change probability toward one side (used for both): keys (speed, range, range rate)
  /// to the target lane's leader (range = +inf when none: outside the support) → 1 value in
  /// [0, 0.5].
  std::shared_ptr<const ProbabilityTable> lane_change;
};

/// A naturalistic model from tables, with ParametricNaturalistic wherever a table is missing,
/// the situation is outside its support or the cell has no data (docs/cav.md, "Tables").
class TableNaturalistic final : public NaturalisticModel {
 public:
  /// @throw sampo::invalid_argument if a table has the wrong number of axes or values, or a
  ///        lane-change probability above 0.5, or @p fallback is invalid.
  explicit TableNaturalistic(NaturalisticTables tables,
                             const ParametricNaturalisticOptions& fallback = {});
  void action_pmf(const LocalSituation& situation, ActionPmf& pmf) const override;

 private:
  NaturalisticTables tables_;
  ParametricNaturalistic fallback_;
};

}  // namespace sampo::cav
