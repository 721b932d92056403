#pragma once
// The fuzz input as a file: sampo's readers take a path. Each target writes its input to one
// file of its own (in $TMPDIR, named with the process id, so parallel jobs do not collide)
// and removes it at exit.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace sampo::fuzz {

/// The path of this process's input file for target @p name, with extension @p ext.
inline const std::filesystem::path& input_path(const char* name, const char* ext) {
  static const std::filesystem::path path = [&] {
    std::filesystem::path p = std::filesystem::temp_directory_path() /
                              ("sampo_fuzz_" + std::string(name) + "_" +
                               std::to_string(::getpid()) + ext);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(input_path("", ""), ec);
    });
    return p;
  }();
  return path;
}

/// Replaces the content of @p path with the @p size bytes at @p data.
inline void write_input(const std::filesystem::path& path, const std::uint8_t* data,
                        std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();  // the fuzzer cannot work without its file
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  if (std::fclose(f) != 0) std::abort();
}

}  // namespace sampo::fuzz
