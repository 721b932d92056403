#pragma once
/// @file
/// JSON files (nlohmann::json) and the conversion of Eigen vectors and matrices to and from
/// JSON arrays: a vector is an array of numbers, a matrix an array of rows.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

#include "sampo/core/eigen.hpp"

namespace sampo::io {

/// Reads and parses a JSON file.
/// @throw sampo::io_error naming the file, when it cannot be read or does not parse; a parse
///        error gives the line, column and byte offset where parsing stopped.
[[nodiscard]] nlohmann::json read_json(const std::filesystem::path& path);

/// Writes @p value atomically (write_file_atomic), followed by a newline.
/// NaN and infinities have no JSON form and are written as null (nlohmann's behaviour).
/// @param indent spaces per level; a negative value writes everything on one line.
/// @throw sampo::invalid_argument if a string in @p value is not valid UTF-8.
/// @throw sampo::io_error if the file cannot be written.
void write_json(const std::filesystem::path& path, const nlohmann::json& value, int indent = 2);

/// A vector as a JSON array of numbers.
[[nodiscard]] nlohmann::json vector_to_json(const Eigen::Ref<const Eigen::VectorXd>& v);

/// A matrix as a JSON array of rows, each an array of numbers ([] for 0 rows).
[[nodiscard]] nlohmann::json matrix_to_json(const Eigen::Ref<const Eigen::MatrixXd>& m);

/// A JSON array of numbers as a vector; null entries become NaN (so that a vector with NaN
/// written by write_json reads back).
/// @param size expected length, or -1 for any.
/// @param name what the JSON value is, for messages (e.g. "weights").
/// @throw sampo::invalid_argument naming @p name if the value is not an array of numbers or
///        has the wrong length.
[[nodiscard]] Eigen::VectorXd json_to_vector(const nlohmann::json& j, Eigen::Index size = -1,
                                             std::string_view name = "json");

/// A JSON array of rows (arrays of numbers, all of one length) as a matrix; null -> NaN.
/// @param rows, cols expected shape, -1 for any.
/// @throw sampo::invalid_argument naming @p name if the value is not an array of equally long
///        arrays of numbers, or has the wrong shape.
[[nodiscard]] Eigen::MatrixXd json_to_matrix(const nlohmann::json& j, Eigen::Index rows = -1,
                                             Eigen::Index cols = -1,
                                             std::string_view name = "json");

}  // namespace sampo::io
