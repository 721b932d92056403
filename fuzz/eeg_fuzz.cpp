// libFuzzer target: the EEG reader (sampo's header checks, then BioSig) on a file whose name
// says nothing about its format, so that only the content decides. sampo::io_error is the
// expected answer to a bad file; anything else (a crash in sampo or in BioSig, a leak,
// undefined behaviour, an allocation beyond -malloc_limit_mb) is a defect.
//
// BioSig's output is captured by the reader (descriptors 1 and 2 point at a temporary file
// during a read). Crash reports are not lost with it: run with -close_fd_mask=2 or 3 (as
// scripts/run fuzz does), libFuzzer and the sanitizers write to their own copy of stderr.
//
// What it found, and the fixes, are listed in docs/fuzzing.md; each input that crashed is a
// seed here (corpus/eeg/regression_*) and a test in tests/io/test_eeg.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"
#include "sampo/io/eeg.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    sampo::set_log_sink({});  // BioSig's warnings on odd but readable files: not a defect
    return true;
  }();
  (void)quiet;
  const auto& path = sampo::fuzz::input_path("eeg", "");
  sampo::fuzz::write_input(path, data, size);
  try {
    const sampo::io::EegRecording rec = sampo::io::read_eeg(path);
    if (rec.data.rows() != static_cast<Eigen::Index>(rec.channels.size())) __builtin_trap();
    if (!(rec.sampling_rate > 0)) __builtin_trap();
  } catch (const sampo::io_error&) {
  }
  return 0;
}
