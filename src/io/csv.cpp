#include "sampo/io/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <ostream>
#include <set>
#include <system_error>

#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "text_util.hpp"

namespace sampo::io {
namespace {

constexpr std::string_view kRead = "sampo::io::read_csv";

bool is_space(char c, char delimiter) { return (c == ' ' || c == '\t') && c != delimiter; }

/// Parses a whole field as a double; returns the std::from_chars error (or invalid_argument
/// when characters are left over).
std::errc parse_double(std::string_view s, double& out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out);
  if (r.ec != std::errc()) return r.ec;
  return r.ptr == end ? std::errc() : std::errc::invalid_argument;
}

/// One logical line of the file, split into fields.
struct Line {
  std::size_t number = 0;  // 1-based line number in the file
  std::vector<std::string> fields;
};

class Reader {
 public:
  Reader(const std::filesystem::path& path, const CsvOptions& options)
      : path_(path), opt_(options) {}

  [[noreturn]] void fail(std::size_t line, const std::string& what) const {
    throw_io_error(kRead, path_.string(), "line " + std::to_string(line) + ": " + what);
  }

  /// Splits @p text into fields; an unterminated or misplaced quote is an error.
  std::vector<std::string> split(std::string_view text, std::size_t line) const {
    std::vector<std::string> fields;
    const char d = opt_.delimiter;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (true) {
      while (i < n && is_space(text[i], d)) ++i;
      std::string field;
      if (i < n && text[i] == '"') {
        const std::size_t open = i++;
        bool closed = false;
        while (i < n) {
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
            } else {
              ++i;
              closed = true;
              break;
            }
          } else {
            field += text[i++];
          }
        }
        if (!closed)
          fail(line, "column " + std::to_string(fields.size() + 1) +
                         ": unterminated quote (opened at character " + std::to_string(open + 1) +
                         "; fields may not span lines)");
        while (i < n && is_space(text[i], d)) ++i;
        if (i < n && text[i] != d)
          fail(line, "column " + std::to_string(fields.size() + 1) + ": unexpected character '" +
                         std::string(1, text[i]) + "' after a closing quote");
      } else {
        const std::size_t start = i;
        while (i < n && text[i] != d) ++i;
        std::size_t stop = i;
        while (stop > start && is_space(text[stop - 1], d)) --stop;
        field.assign(text.substr(start, stop - start));
      }
      fields.push_back(std::move(field));
      if (i >= n) break;
      ++i;  // the delimiter
    }
    return fields;
  }

  /// The non-blank, non-comment lines of @p content, split into fields.
  std::vector<Line> lines(std::string_view content) const {
    if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);  // UTF-8 BOM
    std::vector<Line> out;
    std::size_t number = 0, pos = 0;
    while (pos < content.size()) {
      std::size_t eol = content.find('\n', pos);
      if (eol == std::string_view::npos) eol = content.size();
      std::string_view text = content.substr(pos, eol - pos);
      pos = eol + 1;
      ++number;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      std::size_t first = 0;
      while (first < text.size() && (text[first] == ' ' || text[first] == '\t')) ++first;
      if (first == text.size()) continue;                                 // blank
      if (opt_.comment != '\0' && text[first] == opt_.comment) continue;  // comment
      out.push_back({number, split(text, number)});
    }
    return out;
  }

  CsvTable read() const {
    const std::string content = detail::read_file(kRead, path_);
    const std::vector<Line> rows = lines(content);
    if (rows.empty())
      throw_io_error(kRead, path_.string(),
                     content.empty()
                         ? "the file is empty"
                         : "the file has no header or data (only blank or comment lines)");

    std::size_t first_data = 0;
    std::vector<std::string> names;
    if (opt_.header) {
      names = rows[0].fields;
      std::set<std::string> seen;
      for (std::size_t j = 0; j < names.size(); ++j)
        if (!seen.insert(names[j]).second)
          fail(rows[0].number,
               "column " + std::to_string(j + 1) + ": duplicate column name '" + names[j] + "'");
      first_data = 1;
    }
    const std::size_t ncols = opt_.header ? names.size() : rows[0].fields.size();
    auto column_label = [&](std::size_t j) {
      std::string s = "column " + std::to_string(j + 1);
      if (opt_.header) s += " ('" + names[j] + "')";
      return s;
    };

    // Column kinds from the first data row.
    std::vector<bool> is_text(ncols, false);
    if (first_data < rows.size()) {
      const Line& line = rows[first_data];
      if (line.fields.size() == ncols && opt_.header && opt_.text_columns)
        for (std::size_t j = 0; j < ncols; ++j) {
          double x;
          // Out-of-range numbers (1e400) are numbers, and fail below with their own message.
          is_text[j] = !line.fields[j].empty() &&
                       parse_double(line.fields[j], x) == std::errc::invalid_argument;
        }
    }

    CsvTable table;
    table.path = path_;
    std::vector<std::size_t> slot(ncols);  // index in data or in text
    std::size_t nnum = 0;
    for (std::size_t j = 0; j < ncols; ++j) {
      if (is_text[j]) {
        slot[j] = table.text_header.size();
        table.text_header.push_back(names[j]);  // text columns exist only with a header
      } else {
        slot[j] = nnum++;
        if (opt_.header) table.header.push_back(names[j]);
      }
    }
    const std::size_t nrows = rows.size() - first_data;
    table.text.assign(table.text_header.size(), std::vector<std::string>(nrows));
    table.data.resize(static_cast<Eigen::Index>(nrows), static_cast<Eigen::Index>(nnum));

    for (std::size_t r = 0; r < nrows; ++r) {
      const Line& line = rows[first_data + r];
      if (line.fields.size() != ncols)
        fail(line.number, "ragged row: " + std::to_string(line.fields.size()) +
                              " fields, expected " + std::to_string(ncols) + " (as on line " +
                              std::to_string(rows[0].number) + ")");
      for (std::size_t j = 0; j < ncols; ++j) {
        const std::string& cell = line.fields[j];
        if (is_text[j]) {
          table.text[slot[j]][r] = cell;
          continue;
        }
        double x = 0.0;
        if (cell.empty()) {
          if (!opt_.empty_as_nan)
            fail(line.number, column_label(j) + ": empty cell (CsvOptions::empty_as_nan is false)");
          x = std::numeric_limits<double>::quiet_NaN();
        } else if (const std::errc ec = parse_double(cell, x); ec != std::errc()) {
          std::string what = column_label(j) + ": '" + cell + "' ";
          what += ec == std::errc::result_out_of_range ? "is out of the range of a double"
                                                       : "is not a number";
          if (r > 0 && opt_.header && opt_.text_columns)
            what += " (the column is numeric: its first data cell, on line " +
                    std::to_string(rows[first_data].number) + ", is a number)";
          fail(line.number, what);
        }
        table.data(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(slot[j])) = x;
      }
    }
    return table;
  }

 private:
  const std::filesystem::path& path_;
  const CsvOptions& opt_;
};

bool needs_quotes(std::string_view s, const CsvOptions& o) {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t') return true;
  if (o.comment != '\0' && s.front() == o.comment) return true;
  return s.find_first_of(std::string{o.delimiter, '"', '\n', '\r'}) != std::string_view::npos;
}

void append_field(std::string& out, std::string_view s, const CsvOptions& o) {
  if (!needs_quotes(s, o)) {
    out.append(s);
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_row(std::string& out, const std::vector<std::string>& cells, const CsvOptions& o) {
  for (std::size_t j = 0; j < cells.size(); ++j) {
    if (j > 0) out += o.delimiter;
    append_field(out, cells[j], o);
  }
  out += '\n';
}

std::string missing_column_message(const CsvTable& t) {
  std::vector<std::string> all = t.header;
  all.insert(all.end(), t.text_header.begin(), t.text_header.end());
  std::string what = "no such column";
  if (!t.path.empty()) what += " in '" + t.path.string() + "'";
  what += all.empty() ? "; the table has no column names (read with header = false?)"
                      : "; available: " + detail::quoted_list(all);
  return what;
}

}  // namespace

void CsvOptions::validate() const {
  constexpr std::string_view f = "sampo::io::CsvOptions::validate";
  auto show = [](char c) { return detail::quote(std::string_view(&c, 1)); };
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0')
    throw_invalid_argument(f, "delimiter", show(delimiter),
                           "must not be a quote, a line break or NUL");
  if (comment != '\0' && comment == delimiter)
    throw_invalid_argument(f, "comment", show(comment), "must differ from the delimiter");
  if (comment == '"' || comment == '\n' || comment == '\r')
    throw_invalid_argument(f, "comment", show(comment), "must not be a quote or a line break");
}

bool CsvTable::has_column(std::string_view name) const {
  return std::find(header.begin(), header.end(), name) != header.end() ||
         std::find(text_header.begin(), text_header.end(), name) != text_header.end();
}

Eigen::Index CsvTable::column_index(std::string_view name) const {
  constexpr std::string_view f = "sampo::io::CsvTable::column";
  const auto it = std::find(header.begin(), header.end(), name);
  if (it != header.end()) return static_cast<Eigen::Index>(it - header.begin());
  const auto tt = std::find(text_header.begin(), text_header.end(), name);
  if (tt != text_header.end()) {
    const auto k = static_cast<std::size_t>(tt - text_header.begin());
    std::string what = "is a text column";
    if (!text[k].empty()) what += " (its first data cell, '" + text[k][0] + "', is not a number)";
    if (!path.empty()) what += " in '" + path.string() + "'";
    throw_invalid_argument(f, "name", detail::quote(name), what);
  }
  throw_invalid_argument(f, "name", detail::quote(name), missing_column_message(*this));
}

Eigen::VectorXd CsvTable::column(std::string_view name) const {
  return data.col(column_index(name));
}

const std::vector<std::string>& CsvTable::text_column(std::string_view name) const {
  constexpr std::string_view f = "sampo::io::CsvTable::text_column";
  const auto tt = std::find(text_header.begin(), text_header.end(), name);
  if (tt != text_header.end()) return text[static_cast<std::size_t>(tt - text_header.begin())];
  if (std::find(header.begin(), header.end(), name) != header.end())
    throw_invalid_argument(f, "name", detail::quote(name), "is a numeric column; use column()");
  throw_invalid_argument(f, "name", detail::quote(name), missing_column_message(*this));
}

CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  options.validate();
  return Reader(path, options).read();
}

void write_csv(const std::filesystem::path& path, const Eigen::Ref<const Eigen::MatrixXd>& data,
               const std::vector<std::string>& header, const CsvOptions& options) {
  constexpr std::string_view f = "sampo::io::write_csv";
  options.validate();
  if (!header.empty() && static_cast<Eigen::Index>(header.size()) != data.cols())
    throw_invalid_argument(
        f, "header", std::to_string(header.size()) + " names",
        "must have one name per column of data (" + std::to_string(data.cols()) + ")");
  write_file_atomic(path, [&](std::ostream& os) {
    std::string line;
    if (!header.empty()) {
      append_row(line, header, options);
      os << line;
    }
    for (Eigen::Index i = 0; i < data.rows(); ++i) {
      line.clear();
      for (Eigen::Index j = 0; j < data.cols(); ++j) {
        if (j > 0) line += options.delimiter;
        detail::append_double(line, data(i, j));
      }
      line += '\n';
      os << line;
    }
  });
}

void write_csv_rows(const std::filesystem::path& path, const std::vector<std::string>& header,
                    const std::vector<std::vector<std::string>>& rows, const CsvOptions& options) {
  constexpr std::string_view f = "sampo::io::write_csv_rows";
  options.validate();
  const std::size_t width = !header.empty() ? header.size() : (rows.empty() ? 0 : rows[0].size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    if (rows[r].size() != width)
      throw_invalid_argument(f, "rows", {},
                             "row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                                 " cells, expected " + std::to_string(width));
  write_file_atomic(path, [&](std::ostream& os) {
    std::string line;
    if (!header.empty()) append_row(line, header, options);
    for (const auto& row : rows) append_row(line, row, options);
    os << line;
  });
}

}  // namespace sampo::io
