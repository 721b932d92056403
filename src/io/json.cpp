#include "sampo/io/json.hpp"

#include <limits>
#include <ostream>
#include <string>

#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "text_util.hpp"

namespace sampo::io {
namespace {

std::string type_of(const nlohmann::json& j) { return j.type_name(); }

double number_at(const nlohmann::json& j, std::string_view function, std::string_view name,
                 const std::string& where) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  throw_invalid_argument(function, name, {}, where + " is a " + type_of(j) + ", expected a number");
}

}  // namespace

nlohmann::json read_json(const std::filesystem::path& path) {
  constexpr std::string_view f = "sampo::io::read_json";
  const std::string text = detail::read_file(f, path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the position of the character where parsing failed.
    const std::size_t byte = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw_io_error(f, path.string(),
                   "JSON parse error at line " + std::to_string(line) + ", column " +
                       std::to_string(column) + " (byte " + std::to_string(e.byte) +
                       "): " + e.what());
  } catch (const nlohmann::json::exception& e) {
    // A number beyond the range of a double ("1e400"; found by fuzz/json_fuzz.cpp): nlohmann
    // reports it as out_of_range, which must not escape as a foreign exception.
    throw_io_error(f, path.string(), std::string("JSON value out of range: ") + e.what());
  }
}

void write_json(const std::filesystem::path& path, const nlohmann::json& value, int indent) {
  std::string text;
  try {
    text = value.dump(indent < 0 ? -1 : indent);
  } catch (const nlohmann::json::type_error& e) {
    throw_invalid_argument("sampo::io::write_json", "value", {}, e.what());
  }
  text += '\n';
  write_file_atomic(path, [&](std::ostream& os) { os << text; });
}

nlohmann::json vector_to_json(const Eigen::Ref<const Eigen::VectorXd>& v) {
  nlohmann::json j = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) j.push_back(v(i));
  return j;
}

nlohmann::json matrix_to_json(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  nlohmann::json j = nlohmann::json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index k = 0; k < m.cols(); ++k) row.push_back(m(i, k));
    j.push_back(std::move(row));
  }
  return j;
}

Eigen::VectorXd json_to_vector(const nlohmann::json& j, Eigen::Index size, std::string_view name) {
  constexpr std::string_view f = "sampo::io::json_to_vector";
  if (!j.is_array())
    throw_invalid_argument(f, name, {}, "is a " + type_of(j) + ", expected an array of numbers");
  const auto n = static_cast<Eigen::Index>(j.size());
  if (size >= 0 && n != size)
    throw_invalid_argument(
        f, name, {}, "has " + std::to_string(n) + " entries, expected " + std::to_string(size));
  Eigen::VectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i)
    v(i) = number_at(j[static_cast<std::size_t>(i)], f, name, "entry " + std::to_string(i));
  return v;
}

Eigen::MatrixXd json_to_matrix(const nlohmann::json& j, Eigen::Index rows, Eigen::Index cols,
                               std::string_view name) {
  constexpr std::string_view f = "sampo::io::json_to_matrix";
  if (!j.is_array())
    throw_invalid_argument(f, name, {}, "is a " + type_of(j) + ", expected an array of rows");
  const auto r = static_cast<Eigen::Index>(j.size());
  Eigen::Index c = cols >= 0 ? cols : 0;
  if (r > 0) {
    if (!j[0].is_array())
      throw_invalid_argument(f, name, {}, "row 0 is a " + type_of(j[0]) + ", expected an array");
    c = static_cast<Eigen::Index>(j[0].size());
  }
  if ((rows >= 0 && r != rows) || (cols >= 0 && c != cols))
    throw_invalid_argument(f, name, std::to_string(r) + "x" + std::to_string(c),
                           "expected " + (rows >= 0 ? std::to_string(rows) : std::string("any")) +
                               "x" + (cols >= 0 ? std::to_string(cols) : std::string("any")));
  Eigen::MatrixXd m(r, c);
  for (Eigen::Index i = 0; i < r; ++i) {
    const nlohmann::json& row = j[static_cast<std::size_t>(i)];
    if (!row.is_array())
      throw_invalid_argument(
          f, name, {},
          "row " + std::to_string(i) + " is a " + type_of(row) + ", expected an array");
    if (static_cast<Eigen::Index>(row.size()) != c)
      throw_invalid_argument(f, name, {},
                             "row " + std::to_string(i) + " has " + std::to_string(row.size()) +
                                 " entries, row 0 has " + std::to_string(c));
    for (Eigen::Index k = 0; k < c; ++k)
      m(i, k) = number_at(row[static_cast<std::size_t>(k)], f, name,
                          "entry (" + std::to_string(i) + ", " + std::to_string(k) + ")");
  }
  return m;
}

}  // namespace sampo::io
