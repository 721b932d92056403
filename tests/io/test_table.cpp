#include <cmath>
#include <limits>
#include <sstream>

#include "io_test_util.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/table.hpp"
#include "sampo_test.hpp"

using namespace sampo::io;

TEST_CASE("Table prints aligned columns under a rule", "[io][table]") {
  Table t({{"module"}, {"case"}, {"error", Align::right}, {"pass"}});
  t.add_row({"linalg", "spd_log/diagonal", "3.2e-16", "yes"});
  t.add_row({"mc", "crude", "0.01", "no"});
  const std::string expect =
      "module  case                error  pass\n"
      "------  ----------------  -------  ----\n"
      "linalg  spd_log/diagonal  3.2e-16  yes\n"
      "mc      crude                0.01  no\n";
  CHECK(t.str() == expect);
  std::ostringstream os;
  os << t;
  CHECK(os.str() == expect);
  t.print(os);
  CHECK(os.str() == expect + expect);
  CHECK(t.header() == std::vector<std::string>{"module", "case", "error", "pass"});
  CHECK(t.rows().size() == 2);
  CHECK(t.columns()[2].align == Align::right);
}

TEST_CASE("Table: names wider than cells, right-aligned last column, UTF-8, no rows",
          "[io][table]") {
  Table t({{"x"}, {"relative error", Align::right}});
  t.add_row({"σ²", "1"});
  t.add_row({"", "12"});
  CHECK(t.str() ==
        "x   relative error\n"
        "--  --------------\n"
        "σ²               1\n"
        "                12\n");
  Table empty({{"a", Align::right}, {"bb"}});
  CHECK(empty.str() == "a  bb\n-  --\n");
}

TEST_CASE("Table checks its shape", "[io][table]") {
  SAMPO_REQUIRE_THROWS_WITH(Table({}), sampo::invalid_argument, "sampo::io::Table::Table",
                            "'columns'", "is empty");
  Table t({{"a"}, {"b"}});
  SAMPO_REQUIRE_THROWS_WITH(t.add_row({"1"}), sampo::invalid_argument, "sampo::io::Table::add_row",
                            "'cells' = 1 cells", "one per column (2)");
  SAMPO_REQUIRE_THROWS_WITH(t.add_row({"1", "2", "3"}), sampo::invalid_argument, "3 cells");
  CHECK(t.rows().empty());
}

TEST_CASE("A Table writes as CSV", "[io][table]") {
  sampo::test::TempDir dir;
  Table t({{"case"}, {"value", Align::right}});
  t.add_row({"a, b", "1.5"});
  write_csv(dir / "t.csv", t);
  CHECK(sampo::test::read_bytes(dir / "t.csv") == "case,value\n\"a, b\",1.5\n");
}

TEST_CASE("format_number uses %g style with the given significant digits", "[io][table]") {
  CHECK(format_number(3.14159265) == "3.142");
  CHECK(format_number(2.5) == "2.5");
  CHECK(format_number(100) == "100");
  CHECK(format_number(1234) == "1234");
  CHECK(format_number(12346) == "1.235e+04");
  CHECK(format_number(1234567.0) == "1.235e+06");
  CHECK(format_number(0.000123456) == "0.0001235");
  CHECK(format_number(0.0000123456) == "1.235e-05");
  CHECK(format_number(1.2e-7, 2) == "1.2e-07");
  CHECK(format_number(-0.5) == "-0.5");
  CHECK(format_number(0.0) == "0");
  CHECK(format_number(1.0 / 3.0, 1) == "0.3");
  CHECK(format_number(1.0 / 3.0, 17) == "0.33333333333333331");
  CHECK(format_number(6.02214076e23, 6) == "6.02214e+23");
  CHECK(format_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(format_number(-std::numeric_limits<double>::infinity()) == "-inf");
  SAMPO_REQUIRE_THROWS_WITH(format_number(1.0, 0), sampo::invalid_argument,
                            "sampo::io::format_number", "'significant' = 0", "[1, 17]");
  SAMPO_REQUIRE_THROWS_WITH(format_number(1.0, 18), sampo::invalid_argument, "= 18");
}
