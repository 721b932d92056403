#pragma once
/// @file
/// Reading and writing numeric CSV tables (comma-separated values, RFC 4180 quoting).
///
/// A table is a header row of column names followed by rows of numbers. Columns whose first
/// data cell is not a number (labels, parameter names) are kept as text columns; any other
/// cell that is not a number is an error that names the file, the line and the column.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sampo/core/eigen.hpp"

namespace sampo::io {

/// How read_csv / write_csv split and recognise lines.
struct CsvOptions {
  char delimiter = ',';      ///< field separator (',' ';' '\t' ...)
  bool header = true;        ///< the first non-blank, non-comment line holds the column names
  char comment = '#';        ///< lines starting with this character are skipped ('\0': none)
  bool empty_as_nan = true;  ///< an empty numeric cell is NaN (a missing value, as in
                             ///< pandas); false: an empty cell is an error
  bool text_columns = true;  ///< keep columns whose first data cell is not a number as text
                             ///< (needs header); false: every cell must be a number

  /// Throws sampo::invalid_argument if the delimiter is '"', '\n', '\r', or equals comment.
  void validate() const;
};

/// A table read from a CSV file: numeric columns in `data`, text columns in `text`.
struct CsvTable {
  std::vector<std::string> header;       ///< names of the numeric columns, in file order (empty
                                         ///< when the file has no header line)
  Eigen::MatrixXd data;                  ///< rows x header.size() numbers (column k = header[k])
  std::vector<std::string> text_header;  ///< names of the text columns, in file order
  std::vector<std::vector<std::string>> text;  ///< text[k][i]: row i of text column k
  std::filesystem::path path;                  ///< the file read (for messages); may be empty

  /// Number of data rows.
  [[nodiscard]] Eigen::Index rows() const noexcept { return data.rows(); }
  /// True if a numeric or text column is called @p name.
  [[nodiscard]] bool has_column(std::string_view name) const;
  /// Index of the numeric column @p name in `data`.
  /// @throw sampo::invalid_argument naming the missing column and listing the available ones
  ///        (or saying that it is a text column).
  [[nodiscard]] Eigen::Index column_index(std::string_view name) const;
  /// The numeric column @p name as a vector. @throw as column_index.
  [[nodiscard]] Eigen::VectorXd column(std::string_view name) const;
  /// The text column @p name. @throw sampo::invalid_argument naming the missing column.
  [[nodiscard]] const std::vector<std::string>& text_column(std::string_view name) const;
};

/// Reads a CSV file of numbers.
///
/// Lines may end in LF or CRLF; a UTF-8 byte-order mark is skipped; blank lines and comment
/// lines are skipped; fields may be quoted ("a, b" with "" for a quote) and are trimmed of
/// surrounding spaces. Numbers are parsed with std::from_chars (a leading '+' and "nan",
/// "inf", "-inf" are accepted). With a header and text_columns, a column whose first data cell
/// is not a number becomes a text column. A header-only file gives a table with 0 rows.
///
/// @param path    the file.
/// @param options delimiter, header, comment, empty cells, text columns.
/// @return the table; `table.path` = @p path.
/// @throw sampo::io_error naming the file (and line and column where one is at fault) when the
///        file is missing or unreadable, empty, has a row with a different number of fields
///        than the header (a ragged row), a non-numeric cell in a numeric column, an
///        unterminated quote or duplicate column names.
/// @throw sampo::invalid_argument if @p options is invalid.
[[nodiscard]] CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options = {});

/// Writes a matrix as CSV, atomically (write_file_atomic), one row per line, LF line ends.
/// Numbers are written with std::to_chars in their shortest round-trip form, so read_csv
/// gives back the same doubles bit for bit (NaN and infinities as "nan", "inf", "-inf").
/// Header fields are quoted when they contain the delimiter, a quote, a line break, or begin
/// with the comment character or a space.
///
/// @param path    the file to create or replace.
/// @param data    the matrix.
/// @param header  column names, written as the first line unless empty; else one per column.
/// @param options only the delimiter is used.
/// @throw sampo::invalid_argument if header is non-empty and its size != data.cols().
/// @throw sampo::io_error if the file cannot be written.
void write_csv(const std::filesystem::path& path, const Eigen::Ref<const Eigen::MatrixXd>& data,
               const std::vector<std::string>& header = {}, const CsvOptions& options = {});

/// Writes rows of text cells as CSV, atomically (for reports mixing names and numbers).
/// Cells are quoted as header fields are in write_csv.
/// @param header column names (written unless empty).
/// @param rows   each row must have header.size() cells (or all the same size if no header).
/// @throw sampo::invalid_argument naming the first row of a different size.
/// @throw sampo::io_error if the file cannot be written.
void write_csv_rows(const std::filesystem::path& path, const std::vector<std::string>& header,
                    const std::vector<std::vector<std::string>>& rows,
                    const CsvOptions& options = {});

}  // namespace sampo::io
