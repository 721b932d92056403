// libFuzzer target: the CSV reader with and without a header line, then every column of the
// table by name. sampo::io_error is the expected answer to a bad file; a column the table
// names must be found by that name, and a name it does not hold must throw
// sampo::invalid_argument. Anything else is a defect.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = sampo::fuzz::input_path("csv", ".csv");
  sampo::fuzz::write_input(path, data, size);
  sampo::io::CsvOptions no_header;
  no_header.header = false;
  no_header.comment = '\0';
  no_header.delimiter = ';';
  for (const auto& options : {sampo::io::CsvOptions{}, no_header}) {
    try {
      const sampo::io::CsvTable t = sampo::io::read_csv(path, options);
      // Every column the table names can be fetched by that name; a name it does not hold
      // throws sampo::invalid_argument.
      for (const auto& name : t.header) {
        if (t.column(name).size() != t.rows()) __builtin_trap();
      }
      for (const auto& name : t.text_header) {
        if (static_cast<Eigen::Index>(t.text_column(name).size()) != t.rows()) __builtin_trap();
      }
      if (!t.has_column("\x01 not a column")) {
        try {
          (void)t.column("\x01 not a column");
          __builtin_trap();
        } catch (const sampo::invalid_argument&) {
        }
      }
    } catch (const sampo::io_error&) {
    }
  }
  return 0;
}
