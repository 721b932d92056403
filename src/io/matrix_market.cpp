#include "sampo/io/matrix_market.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sampo/core/error.hpp"

namespace sampo::io {

namespace {

enum class Layout { array, coordinate };
enum class Field { real, integer, pattern };
enum class Symmetry { general, symmetric, skew };

/// The file's contents as triplets (0-based, duplicates kept, the mirrored triangle added).
struct Triplets {
  Eigen::Index rows = 0, cols = 0;
  std::vector<Eigen::Triplet<double>> entries;
};

constexpr std::uint64_t kMaxDimension = (std::uint64_t{1} << 31) - 1;
/// Places a read may allocate whatever the file holds (2^24: 128 MiB of doubles for a dense
/// read); beyond that, at most kPlacesPerEntry places per stored entry. A coordinate file's
/// size line is free to declare any size, so without this a 50-byte file could make a reader
/// allocate gigabytes (found by fuzz/mtx_fuzz.cpp).
constexpr std::uint64_t kFreePlaces = std::uint64_t{1} << 24;
constexpr std::uint64_t kPlacesPerEntry = 64;

/// Throws unless @p places (the entries a read allocates) is within the bound above for a file
/// of @p stored entries; @p remedy says what to do instead.
void check_allocation(const char* function, const std::filesystem::path& path, const Triplets& t,
                      std::uint64_t places, const char* what, const char* remedy) {
  const auto stored = static_cast<std::uint64_t>(t.entries.size());
  if (places <= kFreePlaces || places / kPlacesPerEntry <= stored) return;
  std::string w = "declares a ";
  w.append(std::to_string(t.rows)).append(" x ").append(std::to_string(t.cols))
      .append(" matrix but stores ").append(std::to_string(stored))
      .append(" entries: ").append(what).append(" would need ").append(std::to_string(places))
      .append(" places (more than ").append(std::to_string(kFreePlaces)).append(" and more than ")
      .append(std::to_string(kPlacesPerEntry)).append(" per stored entry); ").append(remedy);
  throw_io_error(function, path.string(), w);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Splits a line on blanks.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

class Reader {
 public:
  Reader(const std::filesystem::path& path, const char* function)
      : path_(path), function_(function), in_(path) {
    if (!in_) fail_file("cannot open the file");
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::string w = "line ";
    w.append(std::to_string(line_no_)).append(": ").append(what);
    throw_io_error(function_, path_.string(), w);
  }
  [[noreturn]] void fail_file(const std::string& what) const {
    throw_io_error(function_, path_.string(), what);
  }

  /// The next line that is not a comment ('%') or blank; false at the end of the file.
  bool next(std::string& line) {
    while (std::getline(in_, line)) {
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '%') continue;
      return true;
    }
    return false;
  }

  bool banner(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }

  template <class T>
  T integer(std::string_view text, const char* what) const {
    T v{};
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
      std::string w = what;
      w.append(" '").append(text).append("' is not a non-negative integer");
      fail(w);
    }
    return v;
  }

  double real(std::string_view text) const {
    double v = 0.0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
      std::string w = "value '";
      w.append(text).append("' is not a finite number");
      fail(w);
    }
    return v;
  }

 private:
  std::filesystem::path path_;
  const char* function_;
  std::ifstream in_;
  std::size_t line_no_ = 0;
};

Triplets read_triplets(const std::filesystem::path& path, const char* function) {
  Reader r(path, function);
  std::string line;
  if (!r.banner(line)) r.fail_file("is empty (expected a %%MatrixMarket banner)");
  const auto head = words(line);
  if (head.size() != 5 || lower(std::string(head[0])) != "%%matrixmarket" ||
      lower(std::string(head[1])) != "matrix")
    r.fail("expected the banner '%%MatrixMarket matrix <array|coordinate> <field> <symmetry>'");
  const std::string layout_s = lower(std::string(head[2])), field_s = lower(std::string(head[3])),
                    sym_s = lower(std::string(head[4]));
  Layout layout{};
  if (layout_s == "array") layout = Layout::array;
  else if (layout_s == "coordinate") layout = Layout::coordinate;
  else r.fail("layout '" + layout_s + "' is not array or coordinate");
  Field field{};
  if (field_s == "real" || field_s == "double") field = Field::real;
  else if (field_s == "integer") field = Field::integer;
  else if (field_s == "pattern") field = Field::pattern;
  else r.fail("field '" + field_s + "' is not supported (real, integer or pattern; sampo reads no complex matrices)");
  Symmetry sym{};
  if (sym_s == "general") sym = Symmetry::general;
  else if (sym_s == "symmetric") sym = Symmetry::symmetric;
  else if (sym_s == "skew-symmetric") sym = Symmetry::skew;
  else r.fail("symmetry '" + sym_s + "' is not supported (general, symmetric or skew-symmetric)");
  if (layout == Layout::array && field == Field::pattern) r.fail("an array file cannot be 'pattern'");

  if (!r.next(line)) r.fail("the size line is missing");
  const auto size = words(line);
  Triplets t;
  // A cap on each dimension: indices of Eigen::SparseMatrix<double> are int, so at most
  // 2^31 − 1. What a read may allocate beyond that is bounded by the file's entries
  // (check_allocation below).
  const auto dim = [&](std::string_view w, const char* what) {
    const auto v = r.integer<std::uint64_t>(w, what);
    if (v > std::uint64_t{kMaxDimension}) r.fail(std::string(what) + " is too large");
    return static_cast<Eigen::Index>(v);
  };
  std::uint64_t count = 0;
  if (layout == Layout::array) {
    if (size.size() != 2) r.fail("an array file's size line holds 'rows cols'");
    t.rows = dim(size[0], "rows");
    t.cols = dim(size[1], "cols");
    if (sym != Symmetry::general && t.rows != t.cols) r.fail("a symmetric matrix must be square");
    if (sym == Symmetry::general) count = std::uint64_t(t.rows) * std::uint64_t(t.cols);
    else if (sym == Symmetry::symmetric) count = std::uint64_t(t.rows) * std::uint64_t(t.rows + 1) / 2;
    else count = std::uint64_t(t.rows) * std::uint64_t(t.rows > 0 ? t.rows - 1 : 0) / 2;
  } else {
    if (size.size() != 3) r.fail("a coordinate file's size line holds 'rows cols entries'");
    t.rows = dim(size[0], "rows");
    t.cols = dim(size[1], "cols");
    count = r.integer<std::uint64_t>(size[2], "entries");
    if (sym != Symmetry::general && t.rows != t.cols) r.fail("a symmetric matrix must be square");
    if (t.rows > 0 && t.cols > 0 && count > std::uint64_t(t.rows) * std::uint64_t(t.cols))
      r.fail("more entries than the matrix has places");
  }
  if (count > (std::uint64_t{1} << 34)) r.fail("too many entries");
  t.entries.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, 1u << 20)));

  // Array files list columns top to bottom; symmetric ones only the lower triangle (diagonal
  // included), skew-symmetric ones below the diagonal.
  Eigen::Index i = 0, j = 0;
  auto advance_array = [&] {
    ++i;
    if (i >= t.rows) {
      ++j;
      i = sym == Symmetry::general ? 0 : (sym == Symmetry::symmetric ? j : j + 1);
    }
  };
  if (layout == Layout::array && sym == Symmetry::skew) i = 1;
  for (std::uint64_t k = 0; k < count; ++k) {
    if (!r.next(line)) r.fail_file("ends after " + std::to_string(k) + " of " + std::to_string(count) + " entries");
    const auto w = words(line);
    double v = 1.0;
    Eigen::Index row = 0, col = 0;
    if (layout == Layout::array) {
      if (w.size() != 1) r.fail("an array entry is one value");
      v = r.real(w[0]);
      row = i;
      col = j;
      advance_array();
    } else {
      const std::size_t expected = field == Field::pattern ? 2 : 3;
      if (w.size() != expected)
        r.fail(field == Field::pattern ? "a pattern entry is 'row col'" : "a coordinate entry is 'row col value'");
      const auto ri = r.integer<std::uint64_t>(w[0], "row");
      const auto ci = r.integer<std::uint64_t>(w[1], "column");
      if (ri < 1 || ri > std::uint64_t(t.rows) || ci < 1 || ci > std::uint64_t(t.cols))
        r.fail("index (" + std::to_string(ri) + ", " + std::to_string(ci) + ") is outside the " +
               std::to_string(t.rows) + " x " + std::to_string(t.cols) + " matrix");
      row = static_cast<Eigen::Index>(ri - 1);
      col = static_cast<Eigen::Index>(ci - 1);
      if (field != Field::pattern) v = r.real(w[2]);
      if (sym == Symmetry::symmetric && row < col) r.fail("a symmetric file stores the lower triangle only");
      if (sym == Symmetry::skew && row <= col)
        r.fail("a skew-symmetric file stores the strict lower triangle only");
    }
    if (field == Field::integer && v != std::floor(v)) r.fail("an integer file holds a fractional value");
    t.entries.emplace_back(row, col, v);
    if (sym == Symmetry::symmetric && row != col) t.entries.emplace_back(col, row, v);
    if (sym == Symmetry::skew) t.entries.emplace_back(col, row, -v);
  }
  if (r.next(line)) r.fail("more entries than the size line announces");
  return t;
}

}  // namespace

Eigen::MatrixXd read_matrix_market(const std::filesystem::path& path) {
  constexpr const char* fn = "sampo::io::read_matrix_market";
  const Triplets t = read_triplets(path, fn);
  if (double(t.rows) * double(t.cols) > double(std::uint64_t{1} << 31))
    throw_io_error(fn, path.string(), "is too large to read as a dense matrix (use read_matrix_market_sparse)");
  check_allocation(fn, path, t, std::uint64_t(t.rows) * std::uint64_t(t.cols), "a dense read",
                   "read it with read_matrix_market_sparse");
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(t.rows, t.cols);
  for (const auto& e : t.entries) m(e.row(), e.col()) += e.value();
  return m;
}

Eigen::SparseMatrix<double> read_matrix_market_sparse(const std::filesystem::path& path) {
  constexpr const char* fn = "sampo::io::read_matrix_market_sparse";
  const Triplets t = read_triplets(path, fn);
  // Column-major storage holds one offset per column, and Eigen's setFromTriplets builds a
  // row-major copy first (one offset per row).
  check_allocation(fn, path, t, std::uint64_t(t.rows) + std::uint64_t(t.cols) + 2,
                   "its row and column offsets", "a file may declare at most that many rows and columns");
  Eigen::SparseMatrix<double> m(t.rows, t.cols);
  m.setFromTriplets(t.entries.begin(), t.entries.end());  // duplicates summed
  return m;
}

}  // namespace sampo::io
