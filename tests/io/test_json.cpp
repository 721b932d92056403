#include <cmath>
#include <limits>

#include "io_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/json.hpp"
#include "sampo_test.hpp"

using namespace sampo::io;
using sampo::test::read_bytes;
using sampo::test::TempDir;
using sampo::test::write_bytes;

TEST_CASE("write_json and read_json round trip", "[io][json]") {
  TempDir dir;
  const auto path = dir / "r.json";
  const nlohmann::json j = {{"name", "spd_log"}, {"pass", true}, {"error", 1.5e-16}, {"n", 3}};
  write_json(path, j);
  CHECK(read_bytes(path) ==
        "{\n  \"error\": 1.5e-16,\n  \"n\": 3,\n  \"name\": \"spd_log\",\n  \"pass\": true\n}\n");
  CHECK(read_json(path) == j);
  write_json(path, j, -1);
  CHECK(read_bytes(path) == "{\"error\":1.5e-16,\"n\":3,\"name\":\"spd_log\",\"pass\":true}\n");
  write_json(path, {{"a", 0.1}}, 0);
  CHECK(read_bytes(path) == "{\n\"a\": 0.1\n}\n");
  CHECK(sampo::test::entries(dir.path()) == std::vector<std::string>{"r.json"});
}

TEST_CASE("read_json reports where parsing failed", "[io][json]") {
  TempDir dir;
  const auto path = dir / "bad.json";
  write_bytes(path, "{\n  \"a\": 1,\n  \"b\": }\n");
  SAMPO_REQUIRE_THROWS_WITH(read_json(path), sampo::io_error, "sampo::io::read_json", "bad.json",
                            "parse error at line 3, column 8");
  write_bytes(path, "");
  SAMPO_REQUIRE_THROWS_WITH(read_json(path), sampo::io_error, "bad.json",
                            "parse error at line 1, column 1");
  SAMPO_REQUIRE_THROWS_WITH(read_json(dir / "none.json"), sampo::io_error, "none.json",
                            "cannot open");
}

TEST_CASE("read_json: a number beyond a double is an io_error (found by fuzzing)", "[io][json]") {
  TempDir dir;
  const auto path = dir / "big.json";
  for (const char* text : {"[1, 2.5, -3e308, null]", "1e400", "{\"a\": [[-1e99999]]}"}) {
    write_bytes(path, text);
    INFO(text);
    SAMPO_REQUIRE_THROWS_WITH(read_json(path), sampo::io_error, "sampo::io::read_json",
                              "big.json", "out of range", "number overflow");
  }
  write_bytes(path, "[1.7976931348623157e308, 4.9e-324, 1e-400]");  // the limits still read
  const auto j = read_json(path);
  CHECK(j[0].get<double>() == std::numeric_limits<double>::max());
  CHECK(j[2].get<double>() == 0.0);
}

TEST_CASE("write_json rejects invalid UTF-8 and keeps the old file", "[io][json]") {
  TempDir dir;
  const auto path = dir / "r.json";
  write_bytes(path, "{}");
  SAMPO_REQUIRE_THROWS_WITH(write_json(path, nlohmann::json{{"s", std::string("\xFF\xFE")}}),
                            sampo::invalid_argument, "sampo::io::write_json", "UTF-8");
  CHECK(read_bytes(path) == "{}");
  SAMPO_REQUIRE_THROWS_WITH(write_json(dir / "no" / "r.json", nlohmann::json{}), sampo::io_error,
                            "no/r.json");
}

TEST_CASE("vectors and matrices to JSON and back", "[io][json]") {
  Eigen::Vector3d v(1, -0.5, 1e-300);
  const nlohmann::json jv = vector_to_json(v);
  CHECK(jv == nlohmann::json::array({1.0, -0.5, 1e-300}));
  CHECK(json_to_vector(jv) == v);
  CHECK(json_to_vector(jv, 3) == v);

  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  const nlohmann::json jm = matrix_to_json(m);
  CHECK(jm == nlohmann::json::parse("[[1,2,3],[4,5,6]]"));
  CHECK(json_to_matrix(jm) == m);
  CHECK(json_to_matrix(jm, 2, 3) == m);
  CHECK(json_to_matrix(nlohmann::json::parse("[[1, 2], [3, 4]]"), 2, 2) ==
        (Eigen::Matrix2d() << 1, 2, 3, 4).finished());
  CHECK(matrix_to_json(Eigen::MatrixXd(0, 0)) == nlohmann::json::array());
  CHECK(json_to_matrix(nlohmann::json::array()).size() == 0);
  CHECK(json_to_matrix(nlohmann::json::array(), 0, 4).cols() == 4);

  // NaN is written as null and read back as NaN.
  TempDir dir;
  write_json(dir / "n.json",
             vector_to_json(Eigen::Vector2d(std::numeric_limits<double>::quiet_NaN(), 2)));
  const Eigen::VectorXd back = json_to_vector(read_json(dir / "n.json"));
  CHECK(std::isnan(back(0)));
  CHECK(back(1) == 2);
}

TEST_CASE("json_to_vector and json_to_matrix check shape and types", "[io][json]") {
  using nlohmann::json;
  SAMPO_REQUIRE_THROWS_WITH(json_to_vector(json::parse("[1, 2]"), 3, "weights"),
                            sampo::invalid_argument, "sampo::io::json_to_vector", "'weights'",
                            "has 2 entries, expected 3");
  SAMPO_REQUIRE_THROWS_WITH(json_to_vector(json::parse("{\"a\": 1}")), sampo::invalid_argument,
                            "'json'", "is a object, expected an array");
  SAMPO_REQUIRE_THROWS_WITH(json_to_vector(json::parse("[1, \"2\"]")), sampo::invalid_argument,
                            "entry 1 is a string, expected a number");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("[[1, 2], [3]]"), -1, -1, "C"),
                            sampo::invalid_argument, "sampo::io::json_to_matrix", "'C'",
                            "row 1 has 1 entries, row 0 has 2");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("[[1, 2], [3, 4]]"), 3, 2),
                            sampo::invalid_argument, "= 2x2", "expected 3x2");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("[[1, 2], [3, 4]]"), -1, 3),
                            sampo::invalid_argument, "= 2x2", "expected anyx3");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("[1, 2]")), sampo::invalid_argument,
                            "row 0 is a number, expected an array");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("[[1], 2]")), sampo::invalid_argument,
                            "row 1 is a number, expected an array");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("[[1, true]]")), sampo::invalid_argument,
                            "entry (0, 1) is a boolean, expected a number");
  SAMPO_REQUIRE_THROWS_WITH(json_to_matrix(json::parse("3")), sampo::invalid_argument,
                            "is a number, expected an array of rows");
}
