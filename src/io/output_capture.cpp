#include "output_capture.hpp"

#include <unistd.h>

#include <iostream>

namespace sampo::io::detail {
namespace {
std::mutex& capture_mutex() {
  static std::mutex m;
  return m;
}
bool printable(char c) { return c >= 0x20 && c <= 0x7E; }
}  // namespace

OutputCapture::OutputCapture() : lock_(capture_mutex()) {
  std::cout.flush();
  std::clog.flush();
  std::fflush(stdout);
  std::fflush(stderr);
  file_ = std::tmpfile();
  if (!file_) return;
  saved_out_ = ::dup(1);
  saved_err_ = ::dup(2);
  if (saved_out_ < 0 || saved_err_ < 0 || ::dup2(::fileno(file_), 1) < 0 ||
      ::dup2(::fileno(file_), 2) < 0) {
    restore();
    std::fclose(file_);
    file_ = nullptr;
  }
}

void OutputCapture::restore() noexcept {
  std::fflush(stdout);
  std::fflush(stderr);
  if (saved_out_ >= 0) {
    ::dup2(saved_out_, 1);
    ::close(saved_out_);
    saved_out_ = -1;
  }
  if (saved_err_ >= 0) {
    ::dup2(saved_err_, 2);
    ::close(saved_err_);
    saved_err_ = -1;
  }
}

OutputCapture::~OutputCapture() {
  restore();
  if (file_) std::fclose(file_);
}

std::string OutputCapture::finish(std::size_t limit) {
  restore();
  std::string text;
  if (!file_) return text;
  std::rewind(file_);
  text.resize(limit);
  text.resize(std::fread(text.data(), 1, limit, file_));
  std::fclose(file_);
  file_ = nullptr;
  return text;
}

std::string one_line(std::string_view text, std::size_t width) {
  std::string first;
  std::size_t more = 0;
  while (!text.empty()) {
    const std::size_t eol = text.find_first_of("\n\r");
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    std::string clean;
    bool has_text = false;
    for (char c : line) {
      if (c == ' ' || c == '\t') {
        if (!clean.empty() && clean.back() != ' ') clean += ' ';
      } else if (printable(c)) {
        clean += c;
        has_text = true;
      } else if (clean.empty() || clean.back() != '?') {
        clean += '?';
      }
    }
    if (!has_text) continue;
    if (first.empty()) {
      while (!clean.empty() && clean.back() == ' ') clean.pop_back();
      if (clean.size() > width) clean = clean.substr(0, width) + "...";
      first = std::move(clean);
    } else {
      ++more;
    }
  }
  if (more > 0)
    first += " (and " + std::to_string(more) + " more line" + (more > 1 ? "s" : "") + ")";
  return first;
}

}  // namespace sampo::io::detail
