#include "sampo/io/table.hpp"

#include <algorithm>
#include <charconv>
#include <ostream>
#include <sstream>

#include "sampo/core/error.hpp"

namespace sampo::io {
namespace {

/// Display width: the number of UTF-8 code points (continuation bytes 10xxxxxx not counted).
std::size_t width_of(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  if (columns_.empty())
    throw_invalid_argument("sampo::io::Table::Table", "columns", {}, "is empty");
}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size())
    throw_invalid_argument("sampo::io::Table::add_row", "cells",
                           std::to_string(cells.size()) + " cells",
                           "expected one per column (" + std::to_string(columns_.size()) + ")");
  rows_.push_back(std::move(cells));
}

std::vector<std::string> Table::header() const {
  std::vector<std::string> names;
  for (const Column& c : columns_) names.push_back(c.name);
  return names;
}

void Table::print(std::ostream& os) const {
  const std::size_t n = columns_.size();
  std::vector<std::size_t> width(n);
  for (std::size_t j = 0; j < n; ++j) {
    width[j] = width_of(columns_[j].name);
    for (const auto& row : rows_) width[j] = std::max(width[j], width_of(row[j]));
  }
  auto line = [&](auto cell_of) {
    std::string out;
    for (std::size_t j = 0; j < n; ++j) {
      const std::string& cell = cell_of(j);
      const std::size_t pad = width[j] - width_of(cell);
      if (j > 0) out += "  ";
      if (columns_[j].align == Align::right) out.append(pad, ' ');
      out += cell;
      if (columns_[j].align == Align::left) out.append(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    os << out << '\n';
  };
  line([&](std::size_t j) -> const std::string& { return columns_[j].name; });
  std::vector<std::string> rule(n);
  for (std::size_t j = 0; j < n; ++j) rule[j].assign(width[j], '-');
  line([&](std::size_t j) -> const std::string& { return rule[j]; });
  for (const auto& row : rows_) line([&](std::size_t j) -> const std::string& { return row[j]; });
}

std::string Table::str() const {
  std::ostringstream os;
  print(os);
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Table& table) {
  table.print(os);
  return os;
}

void write_csv(const std::filesystem::path& path, const Table& table, const CsvOptions& options) {
  write_csv_rows(path, table.header(), table.rows(), options);
}

std::string format_number(double x, int significant) {
  if (significant < 1 || significant > 17)
    throw_invalid_argument("sampo::io::format_number", "significant", std::to_string(significant),
                           "must lie in [1, 17]");
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, significant);
  return std::string(buf, r.ptr);
}

}  // namespace sampo::io
