#pragma once
/// @file
/// Plain-text tables for terminal reports (e.g. `sampo validate`), and the number format they
/// use.
///
///     sampo::io::Table t({{"case"}, {"error", sampo::io::Align::right}});
///     t.add_row({"spd_log/diagonal", sampo::io::format_number(3.2e-16)});
///     std::cout << t;
///
/// prints
///
///     case                 error
///     ----------------  --------
///     spd_log/diagonal  3.2e-16

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "sampo/io/csv.hpp"

namespace sampo::io {

/// Alignment of a column's cells (and its name) within the column's width.
enum class Align { left, right };

/// A column of a Table: its name (the header) and alignment.
struct Column {
  std::string name;
  Align align = Align::left;
};

/// A table of text cells printed with aligned columns.
///
/// Layout: the header line, a rule of '-' under each column, then one line per row; columns
/// are as wide as their widest cell or name (counted in UTF-8 code points) and separated by
/// two spaces; lines carry no trailing spaces.
class Table {
 public:
  /// @throw sampo::invalid_argument if @p columns is empty.
  explicit Table(std::vector<Column> columns);

  /// Appends a row. @throw sampo::invalid_argument unless it has one cell per column.
  void add_row(std::vector<std::string> cells);

  /// Writes the table (header, rule, rows; each line ends in '\n').
  void print(std::ostream& os) const;
  /// The printed table as a string.
  [[nodiscard]] std::string str() const;

  [[nodiscard]] const std::vector<Column>& columns() const noexcept { return columns_; }
  [[nodiscard]] const std::vector<std::vector<std::string>>& rows() const noexcept { return rows_; }
  /// The column names, in order.
  [[nodiscard]] std::vector<std::string> header() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// Table::print.
std::ostream& operator<<(std::ostream& os, const Table& table);

/// Writes the table as CSV (names as header, cells as they are), atomically.
/// @throw sampo::io_error if the file cannot be written.
void write_csv(const std::filesystem::path& path, const Table& table,
               const CsvOptions& options = {});

/// Formats @p x with @p significant significant digits in the style of printf's "%g"
/// (std::to_chars, chars_format::general): fixed notation unless the decimal exponent is
/// below -4 or at least @p significant, then scientific ("1.235e+06", "1.2e-07"); trailing
/// zeros are dropped ("2.5", "100"). Locale-independent. NaN and infinities as "nan", "inf",
/// "-inf".
/// @throw sampo::invalid_argument unless 1 <= significant <= 17.
[[nodiscard]] std::string format_number(double x, int significant = 4);

}  // namespace sampo::io
