// libFuzzer target: the .npy reader, through every public read_npy* function.
// sampo::io_error is the expected answer to a bad file; anything else (a crash, a leak,
// undefined behaviour, an allocation beyond -malloc_limit_mb, another exception) is a defect.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sampo/core/error.hpp"
#include "sampo/io/npy.hpp"

namespace {
template <class Read>
void attempt(Read read) {
  try {
    read();
  } catch (const sampo::io_error&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = sampo::fuzz::input_path("npy", ".npy");
  sampo::fuzz::write_input(path, data, size);
  attempt([&] { (void)sampo::io::read_npy(path); });
  attempt([&] { (void)sampo::io::read_npy_matrix(path); });
  attempt([&] { (void)sampo::io::read_npy_vector(path); });
  attempt([&] { (void)sampo::io::read_npy_stack(path); });
  attempt([&] { (void)sampo::io::read_npy_int(path); });
  return 0;
}
