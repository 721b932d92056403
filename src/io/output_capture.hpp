#pragma once
// Internal: capturing what a C library prints on stdout / stderr while sampo calls it
// (not installed, not part of the API).
//
// BioSig reports problems by printing them: thousands of identical lines, or bytes of the file
// it could not parse. OutputCapture points file descriptors 1 and 2 at an anonymous temporary
// file for its lifetime (one capture at a time, process-wide: a mutex serialises them), and
// one_line() turns what was captured into at most one line of printable ASCII for a log
// message or an error message.

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace sampo::io::detail {

class OutputCapture {
 public:
  /// Flushes stdout / stderr and redirects descriptors 1 and 2. If that is impossible (no
  /// temporary file, no descriptor left) nothing is captured and output goes where it went.
  OutputCapture();
  /// Restores descriptors 1 and 2 if finish() was not called.
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  /// Restores descriptors 1 and 2 and returns what was written meanwhile (at most the first
  /// @p limit bytes). Later calls return "".
  std::string finish(std::size_t limit = 1 << 20);

 private:
  void restore() noexcept;
  std::unique_lock<std::mutex> lock_;
  std::FILE* file_ = nullptr;
  int saved_out_ = -1, saved_err_ = -1;
};

/// At most one line of printable ASCII summarising @p text: its first non-blank line, with
/// every run of other bytes (control characters, binary, non-ASCII) shown as one '?', spaces
/// collapsed, cut to @p width characters, followed by "(and N more lines)" when there were
/// more non-blank lines. "" when @p text has no printable content.
std::string one_line(std::string_view text, std::size_t width = 200);

}  // namespace sampo::io::detail
