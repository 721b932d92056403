// PNG figures of the `sampo` program: data file + gnuplot script, drawn when gnuplot is there.
#include "figures.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <ostream>
#include <string>
#include <utility>

#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"

namespace fs = std::filesystem;

namespace sampo::cli {

namespace {

/// Runs `gnuplot SCRIPT` in directory @p dir with no shell in between (no user text is ever
/// interpreted by one), its output discarded. Returns gnuplot's exit status, or -1 when it
/// could not be started (not installed: ENOENT).
int run_gnuplot(const fs::path& dir, const std::string& script) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string prog = "gnuplot", arg = script;
  char* argv[] = {prog.data(), arg.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A gnuplot double-quoted string holding @p text literally.
std::string gnuplot_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') c = ' ';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void prepare_plot_dir(const std::string& command, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) sampo::throw_io_error(command, dir.string(), "cannot create the directory: " + ec.message());
  if (!fs::is_directory(dir, ec))
    sampo::throw_io_error(command, dir.string(), "is not a directory");
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    sampo::throw_io_error(command, dir.string(),
                          std::string("cannot write in the directory: ") + std::strerror(errno));
}


FigureWriter::FigureWriter(std::string command, fs::path dir)
    : command_(std::move(command)), dir_(std::move(dir)) {}

bool FigureWriter::write(const std::string& stem, const validation::Figure& fig) {
  const std::string data = stem + ".dat", script = stem + ".gp", png = stem + ".png";
  sampo::io::write_file_atomic(dir_ / data, [&](std::ostream& out) {
    out.precision(17);
    for (const auto& s : fig.series) {
      out << "# " << s.label << "\n";
      const bool band = s.lo.size() == s.x.size() && s.hi.size() == s.x.size();
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        out << s.x[i] << " " << s.y[i];
        if (band) out << " " << s.lo[i] << " " << s.hi[i];
        out << "\n";
      }
      out << "\n\n";
    }
  });
  sampo::io::write_file_atomic(dir_ / script, [&](std::ostream& out) {
    out << "set terminal pngcairo size 900,600 noenhanced\nset output '" << png << "'\n"
        << "set title " << gnuplot_string(fig.title) << "\nset xlabel "
        << gnuplot_string(fig.xlabel) << "\nset ylabel " << gnuplot_string(fig.ylabel)
        << "\nset key outside right\nset grid\nset style fill transparent solid 0.2 noborder\n"
        << (fig.logx ? "set logscale x\n" : "") << (fig.logy ? "set logscale y\n" : "")
        << "plot ";
    bool first = true;
    for (std::size_t i = 0; i < fig.series.size(); ++i) {
      const auto& s = fig.series[i];
      const std::size_t color = i + 1;
      if (s.lo.size() == s.x.size() && s.hi.size() == s.x.size() && !s.x.empty()) {
        out << (first ? "" : ", ") << "'" << data << "' index " << i
            << " using 1:3:4 with filledcurves linecolor " << color << " notitle";
        first = false;
      }
      out << (first ? "" : ", ") << "'" << data << "' index " << i << " using 1:2 with "
          << (fig.lines ? "lines" : "linespoints") << " linecolor " << color
          << " title " << gnuplot_string(s.label);
      first = false;
    }
    out << "\n";
  });
  if (!have_gnuplot_) return false;
  const int rc = run_gnuplot(dir_, script);
  if (rc < 0) have_gnuplot_ = false;
  if (rc == 0 && fs::exists(dir_ / png)) {
    ++made_;
    return true;
  }
  return false;
}

void FigureWriter::finish() const {
  if (!have_gnuplot_)
    std::cerr << command_ << ": gnuplot not found: wrote data and gnuplot scripts to "
              << dir_.string() << " (install gnuplot-nox for PNG figures)\n";
}

}  // namespace sampo::cli
