#include <cmath>
#include <cstring>
#include <limits>

#include "io_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/csv.hpp"
#include "sampo_test.hpp"

using namespace sampo::io;
using sampo::test::read_bytes;
using sampo::test::TempDir;
using sampo::test::write_bytes;

namespace {
bool same_bits(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}
CsvTable read_text(const TempDir& dir, const std::string& text, const CsvOptions& o = {}) {
  write_bytes(dir / "t.csv", text);
  return read_csv(dir / "t.csv", o);
}
}  // namespace

TEST_CASE("read_csv reads the Longley data", "[io][csv]") {
  const auto path = sampo::test::data_dir() / "longley" / "longley.csv";  // shipped in data/
  REQUIRE(std::filesystem::exists(path));
  const CsvTable t = read_csv(path);
  CHECK(t.header ==
        std::vector<std::string>{"TOTEMP", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"});
  REQUIRE(t.data.rows() == 16);
  REQUIRE(t.data.cols() == 7);
  CHECK(t.rows() == 16);
  CHECK(t.text.empty());
  CHECK(t.column("TOTEMP")(0) == 60323);
  CHECK(t.column("GNPDEFL")(0) == 83);
  CHECK(t.column("YEAR")(15) == 1962);
  CHECK(t.data(15, 0) == 70551);
  CHECK(t.column("GNPDEFL")(15) == 116.9);  // parsed exactly as the literal 116.9
  CHECK(t.path == path);
}

TEST_CASE("read_csv keeps label columns as text (NIST certified values)", "[io][csv]") {
  const auto path = sampo::test::data_dir() / "longley" / "certified.csv";
  REQUIRE(std::filesystem::exists(path));
  const CsvTable t = read_csv(path);
  CHECK(t.text_header == std::vector<std::string>{"parameter"});
  CHECK(t.header == std::vector<std::string>{"estimate", "standard_deviation"});
  REQUIRE(t.rows() == 9);
  CHECK(t.text_column("parameter")[0] == "const");
  CHECK(t.text_column("parameter")[8] == "r_squared");
  CHECK(t.column("estimate")(0) == -3482258.634595818);
  CHECK(t.column("standard_deviation")(6) == 455.4784991422120);
  // The last two rows leave standard_deviation empty: missing values (empty_as_nan).
  CHECK(std::isnan(t.column("standard_deviation")(7)));
  CHECK(std::isnan(t.column("standard_deviation")(8)));
  CHECK(t.has_column("parameter"));
  CHECK(t.has_column("estimate"));
  CHECK_FALSE(t.has_column("Estimate"));
  SAMPO_REQUIRE_THROWS_WITH(t.column("parameter"), sampo::invalid_argument,
                            "sampo::io::CsvTable::column", "'parameter'", "is a text column",
                            "'const'", "certified.csv");
  SAMPO_REQUIRE_THROWS_WITH(t.text_column("estimate"), sampo::invalid_argument,
                            "is a numeric column");
}

TEST_CASE("CsvTable::column names the missing column and lists the others", "[io][csv]") {
  TempDir dir;
  const CsvTable t = read_text(dir, "a,b,label\n1,2,x\n");
  SAMPO_REQUIRE_THROWS_WITH(t.column("c"), sampo::invalid_argument, "sampo::io::CsvTable::column",
                            "'c'", "no such column", "t.csv", "available: 'a', 'b', 'label'");
  SAMPO_REQUIRE_THROWS_WITH(t.column_index("A"), sampo::invalid_argument, "'A'", "no such column");
  SAMPO_REQUIRE_THROWS_WITH(t.text_column("zz"), sampo::invalid_argument, "'zz'", "no such column");
  CHECK(t.column_index("b") == 1);
}

TEST_CASE("read_csv tolerates CRLF, blank lines, comments, a BOM, quotes and spaces", "[io][csv]") {
  TempDir dir;
  const std::string text =
      "\xEF\xBB\xBF# produced by a spreadsheet\r\n"
      "\r\n"
      "\"x, in m\", \"say \"\"hi\"\"\" ,z\r\n"
      "  1.5 , -2,+3e2\r\n"
      "   \r\n"
      "# a comment between rows\r\n"
      "\"4\",nan,-inf\r\n"
      "7,8,9";  // no final newline
  const CsvTable t = read_text(dir, text);
  CHECK(t.header == std::vector<std::string>{"x, in m", "say \"hi\"", "z"});
  REQUIRE(t.data.rows() == 3);
  CHECK(t.data(0, 0) == 1.5);
  CHECK(t.data(0, 1) == -2);
  CHECK(t.data(0, 2) == 300);
  CHECK(t.data(1, 0) == 4);  // a quoted number is a number
  CHECK(std::isnan(t.data(1, 1)));
  CHECK(t.data(1, 2) == -std::numeric_limits<double>::infinity());
  CHECK(t.data(2, 2) == 9);
}

TEST_CASE("read_csv options: delimiter, no header, comment character", "[io][csv]") {
  TempDir dir;
  CsvOptions o;
  o.delimiter = ';';
  const CsvTable a = read_text(dir, "p;q\n1.5;2\n", o);
  CHECK(a.header == std::vector<std::string>{"p", "q"});
  CHECK(a.data(0, 0) == 1.5);

  CsvOptions tab;
  tab.delimiter = '\t';
  tab.header = false;
  const CsvTable b = read_text(dir, "1\t2\t3\n4\t5\t6\n", tab);
  CHECK(b.header.empty());
  REQUIRE(b.data.rows() == 2);
  REQUIRE(b.data.cols() == 3);
  CHECK(b.data(1, 2) == 6);
  SAMPO_REQUIRE_THROWS_WITH(b.column("1"), sampo::invalid_argument, "no column names");

  CsvOptions percent;
  percent.comment = '%';
  const CsvTable c = read_text(dir, "% note\nu,v\n#1,2\n", percent);
  CHECK(c.text_header == std::vector<std::string>{"u"});  // '#' starts no comment here
  CHECK(c.text_column("u")[0] == "#1");
  CHECK(c.column("v")(0) == 2);
  CsvOptions none;
  none.comment = '\0';
  CHECK(read_text(dir, "u\n#1\n", none).text_column("u")[0] == "#1");
}

TEST_CASE("read_csv: a header-only file has 0 rows", "[io][csv]") {
  TempDir dir;
  const CsvTable t = read_text(dir, "a,b\n\n");
  CHECK(t.header == std::vector<std::string>{"a", "b"});
  CHECK(t.data.rows() == 0);
  CHECK(t.data.cols() == 2);
}

TEST_CASE("read_csv errors name the file, line and column", "[io][csv]") {
  TempDir dir;
  const auto missing = dir / "missing.csv";
  SAMPO_REQUIRE_THROWS_WITH(read_csv(missing), sampo::io_error, "sampo::io::read_csv",
                            "missing.csv", "cannot open", "No such file or directory");
  SAMPO_REQUIRE_THROWS_WITH(read_csv(dir.path()), sampo::io_error, "is a directory");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, ""), sampo::io_error, "t.csv", "the file is empty");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "# only\n\n  \n"), sampo::io_error, "no header or data");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,b,c\n1,2,3\n\n4,5\n"), sampo::io_error, "t.csv",
                            "line 4", "ragged row: 2 fields, expected 3");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,b\n1,2\n3,4,\n"), sampo::io_error, "line 3",
                            "3 fields, expected 2");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,GNP\n1,2\n3,2x\n"), sampo::io_error, "t.csv",
                            "line 3", "column 2 ('GNP')", "'2x' is not a number",
                            "first data cell, on line 2");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a\n1e400\n"), sampo::io_error, "line 2",
                            "'1e400' is out of the range of a double");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,b\n1,\"2\n"), sampo::io_error, "line 2", "column 2",
                            "unterminated quote");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,b\n1,\"2\"x\n"), sampo::io_error, "line 2",
                            "after a closing quote");
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,b,a\n1,2,3\n"), sampo::io_error, "line 1", "column 3",
                            "duplicate column name 'a'");
  // Empty cells: NaN by default, an error when asked.
  CHECK(std::isnan(read_text(dir, "a,b\n1,\n").data(0, 1)));
  CsvOptions strict;
  strict.empty_as_nan = false;
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "a,b\n1, \n", strict), sampo::io_error, "line 2",
                            "column 2 ('b')", "empty cell");
  // Without a header, or with text columns off, every cell must be a number.
  strict.text_columns = false;
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "name,x\nfoo,1\n", strict), sampo::io_error, "line 2",
                            "column 1 ('name')", "'foo' is not a number");
  CsvOptions headerless;
  headerless.header = false;
  SAMPO_REQUIRE_THROWS_WITH(read_text(dir, "1,2\nx,3\n", headerless), sampo::io_error, "line 2",
                            "column 1: 'x' is not a number");
}

TEST_CASE("CsvOptions::validate rejects unusable characters", "[io][csv]") {
  CsvOptions o;
  CHECK_NOTHROW(o.validate());
  o.delimiter = '"';
  SAMPO_REQUIRE_THROWS_WITH(o.validate(), sampo::invalid_argument,
                            "sampo::io::CsvOptions::validate", "'delimiter'",
                            "must not be a quote");
  o.delimiter = ';';
  o.comment = ';';
  SAMPO_REQUIRE_THROWS_WITH(o.validate(), sampo::invalid_argument, "'comment'",
                            "must differ from the delimiter");
  TempDir dir;
  write_bytes(dir / "t.csv", "a\n1\n");
  SAMPO_REQUIRE_THROWS_WITH(read_csv(dir / "t.csv", o), sampo::invalid_argument, "'comment'");
}

TEST_CASE("write_csv round-trips doubles bit for bit", "[io][csv]") {
  TempDir dir;
  Eigen::MatrixXd m(3, 4);
  m << 1.0 / 3.0, -2.5e300, 5e-324, std::acos(-1.0),  //
      0.1, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), -0.0,
      123456789.123456789, -std::numeric_limits<double>::infinity(), 1e22, std::nextafter(1.0, 2.0);
  const std::vector<std::string> names{"a", "b, with comma", "say \"q\"", "#d"};
  write_csv(dir / "m.csv", m, names);
  const CsvTable t = read_csv(dir / "m.csv");
  CHECK(t.header == names);
  REQUIRE(t.data.rows() == 3);
  REQUIRE(t.data.cols() == 4);
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) {
      INFO("entry (" << i << ", " << j << ")");
      CHECK(same_bits(t.data(i, j), m(i, j)));
    }
  // Exact text: shortest round-trip numbers, quoted names, LF line ends.
  Eigen::MatrixXd small(2, 2);
  small << 0.1, 2, -3.5, 1e-7;
  write_csv(dir / "s.csv", small, {"x", "y z"});
  CHECK(read_bytes(dir / "s.csv") == "x,y z\n0.1,2\n-3.5,1e-07\n");
  CsvOptions semi;
  semi.delimiter = ';';
  write_csv(dir / "s.csv", small, {}, semi);
  CHECK(read_bytes(dir / "s.csv") == "0.1;2\n-3.5;1e-07\n");
}

TEST_CASE("write_csv checks the header and writes atomically", "[io][csv]") {
  TempDir dir;
  write_bytes(dir / "m.csv", "old");
  SAMPO_REQUIRE_THROWS_WITH(write_csv(dir / "m.csv", Eigen::MatrixXd::Zero(2, 3), {"a", "b"}),
                            sampo::invalid_argument, "sampo::io::write_csv", "'header'", "2 names",
                            "one name per column of data (3)");
  CHECK(read_bytes(dir / "m.csv") == "old");
  SAMPO_REQUIRE_THROWS_WITH(write_csv(dir / "nodir" / "m.csv", Eigen::MatrixXd::Zero(1, 1)),
                            sampo::io_error, "nodir/m.csv");
}

TEST_CASE("write_csv_rows writes text cells with quoting", "[io][csv]") {
  TempDir dir;
  write_csv_rows(dir / "r.csv", {"case", " padded"}, {{"a,b", "1"}, {"", "2.5"}});
  CHECK(read_bytes(dir / "r.csv") == "case,\" padded\"\n\"a,b\",1\n\"\",2.5\n");
  const CsvTable t = read_csv(dir / "r.csv");
  CHECK(t.text_column("case") == std::vector<std::string>{"a,b", ""});
  CHECK(t.column(" padded") == Eigen::Vector2d(1, 2.5));
  SAMPO_REQUIRE_THROWS_WITH(write_csv_rows(dir / "r.csv", {"a", "b"}, {{"1", "2"}, {"3"}}),
                            sampo::invalid_argument, "sampo::io::write_csv_rows",
                            "row 1 has 1 cells, expected 2");
}
