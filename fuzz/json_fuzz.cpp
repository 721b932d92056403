// libFuzzer target: the JSON reader, the JSON -> Eigen converters on what it read, and
// writing it back. sampo::io_error (a bad file) and sampo::invalid_argument (a value that is
// not a vector / matrix, a string that is not UTF-8) are expected; anything else is a defect.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = sampo::fuzz::input_path("json", ".json");
  sampo::fuzz::write_input(path, data, size);
  nlohmann::json j;
  try {
    j = sampo::io::read_json(path);
  } catch (const sampo::io_error&) {
    return 0;
  }
  try {
    (void)sampo::io::json_to_vector(j);
  } catch (const sampo::invalid_argument&) {
  }
  try {
    (void)sampo::io::json_to_matrix(j);
  } catch (const sampo::invalid_argument&) {
  }
  const auto out = std::filesystem::path(path).replace_extension(".out.json");
  try {
    sampo::io::write_json(out, j);
    (void)sampo::io::read_json(out);  // what sampo writes, sampo reads
  } catch (const sampo::invalid_argument&) {
  }
  std::error_code ec;
  std::filesystem::remove(out, ec);
  return 0;
}
