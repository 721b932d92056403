// libFuzzer target: the `sampo` program's option parsing, through the same entry point as
// main() (apps/main.cpp, compiled here with SAMPO_CLI_NO_MAIN), with the subcommands linked in.
//
// The input is the argument vector, one argument a line ('\n' or '\0' ends an argument).
// Every run happens in a private scratch directory (so give -artifact_prefix as an absolute
// path) holding small input files (covs.npy,
// ref.npy, trials.npy, y.npy, s.edf) so that commands get past "no such file"; an argument
// containing '/' is not run, so that nothing outside that directory is written. `validate`
// runs the whole validation suite (minutes): only its parse-only forms (--list, --help) are run;
// so for `bilevel`, whose runs and comparisons cost what their flags ask (dimensions, samples,
// iterations, seeds x grid x solvers) by design.
//
// An exit status is the expected answer to any argument vector (0, or a non-zero status after
// one line on stderr); a crash, a sanitizer report, an escaped exception, a hang past
// -timeout or memory past -rss_limit_mb is a defect.
#include <omp.h>
#include <unistd.h>

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sampo/io/npy.hpp"

namespace sampo::cli {
int run_main(int argc, char** argv);  // apps/main.cpp
}

namespace {

namespace fs = std::filesystem;

/// The scratch directory, made once; a run enters it and returns to the fuzzer's directory
/// (libFuzzer writes its corpus by relative paths between runs).
const fs::path& scratch() {
  static const fs::path dir =
      fs::temp_directory_path() / ("sampo_fuzz_cli_" + std::to_string(::getpid()));
  return dir;
}

/// Runs @p f with the scratch directory as the working directory.
template <class F>
void in_scratch(F f) {
  const fs::path home = fs::current_path();
  fs::current_path(scratch());
  f();
  fs::current_path(home);
}

/// Small valid inputs for the commands that read files.
void write_inputs() {
  std::vector<Eigen::MatrixXd> covs, trials;
  for (int k = 0; k < 6; ++k) {
    Eigen::MatrixXd c(2, 2);
    c << 2.0 + k, 0.5, 0.5, 1.0 + 0.1 * k;
    covs.push_back(c);
    trials.push_back(Eigen::MatrixXd::NullaryExpr(2, 16, [k](Eigen::Index i, Eigen::Index j) {
      return std::sin(0.3 * static_cast<double>(j * (i + 1) + k));
    }));
  }
  sampo::io::write_npy("covs.npy", covs);
  sampo::io::write_npy("trials.npy", trials);
  sampo::io::write_npy("ref.npy", Eigen::MatrixXd(Eigen::MatrixXd::Identity(2, 2)));
  sampo::io::write_npy("y.npy", std::vector<std::int64_t>{0, 1, 0, 1, 0, 1});
}

void make_scratch_directory() {
  fs::create_directories(scratch());
  fs::copy_file(fs::path(SAMPO_FUZZ_DIR) / "corpus" / "eeg" / "edfplus_annotations.edf",
                scratch() / "s.edf", fs::copy_options::overwrite_existing);
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(scratch(), ec);
  });
  in_scratch(write_inputs);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  make_scratch_directory();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"sampo"};
  std::string current;
  for (std::size_t i = 0; i <= size; ++i) {
    const char c = i < size ? static_cast<char>(data[i]) : '\n';
    if (c == '\n' || c == '\0') {
      args.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (args.size() > 40) return 0;
  bool validate = false, parse_only = false;
  for (const auto& a : args) {
    if (a.find('/') != std::string::npos) return 0;
    validate = validate || a == "validate" || a == "bilevel";
    parse_only = parse_only || a == "--list" || a == "--help" || a == "-h";
  }
  if (validate && !parse_only) return 0;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  in_scratch([&] { (void)sampo::cli::run_main(static_cast<int>(args.size()), argv.data()); });
  omp_set_num_threads(1);  // --threads is process state: do not carry it to the next input
  return 0;
}
