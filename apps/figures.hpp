#pragma once
/// @file
/// PNG figures for the `sampo` program (`validate --plots`, `bilevel compare --plots`): each
/// figure is written as a data file and a gnuplot script in the directory, and drawn by
/// gnuplot when it is installed (otherwise the data and scripts stay, with one note on stderr).

#include <filesystem>
#include <string>

#include "registry.hpp"

namespace sampo::cli {

/// Creates @p dir and checks that sampo can write there (before any work is done), or throws
/// sampo::io_error naming @p option of @p command.
void prepare_plot_dir(const std::string& command, const std::filesystem::path& dir);

/// Writes figures into one directory.
class FigureWriter {
 public:
  FigureWriter(std::string command, std::filesystem::path dir);
  /// Writes @p stem.dat, @p stem.gp and, with gnuplot, @p stem.png. @p stem must hold only
  /// [A-Za-z0-9._-] (it is written into the script unquoted). Returns true when the PNG was made.
  bool write(const std::string& stem, const validation::Figure& figure);
  /// PNG files made so far.
  [[nodiscard]] int made() const noexcept { return made_; }
  /// Prints the note about a missing gnuplot (once), if it was missing.
  void finish() const;

 private:
  std::string command_;
  std::filesystem::path dir_;
  bool have_gnuplot_ = true;
  int made_ = 0;
};

}  // namespace sampo::cli
