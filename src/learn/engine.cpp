#include "engine.hpp"

#include <libsvm/svm.h>
#include <linear.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "sampo/core/check.hpp"
#include "sampo/core/error.hpp"
#include "sampo/core/log.hpp"

namespace sampo::learn::detail {
namespace {

thread_local EngineOutput* current = nullptr;

void log_line(const char* engine, std::string_view line) {
  if (log_level() > LogLevel::debug) return;  // below the threshold: not even formatted
  std::string text(engine);
  text.append(": ").append(line);
  sampo::log(LogLevel::debug, text);
}

void print_liblinear(const char* s) {
  if (current)
    current->append(s);
  else
    log_line("LIBLINEAR", s);
}

void print_libsvm(const char* s) {
  if (current)
    current->append(s);
  else
    log_line("LIBSVM", s);
}

void install_printers() {
  static const bool done = [] {
    ::set_print_string_function(&print_liblinear);
    ::svm_set_print_string_function(&print_libsvm);
    return true;
  }();
  (void)done;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

EngineOutput::EngineOutput(const char* engine) : engine_(engine), previous_(current) {
  install_printers();
  current = this;
}

EngineOutput::~EngineOutput() { current = previous_; }

sampo::Run EngineOutput::finish(double seconds) const {
  sampo::Run run;
  run.seconds = seconds;
  constexpr std::string_view kIter = "optimization finished, #iter = ";
  std::string_view rest(text_);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = trim(rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (line.empty()) continue;
    if (line.find("reaching max number of iterations") != std::string_view::npos) {
      run.termination = Termination::max_iterations;
      run.message.assign(engine_).append(": ").append(line);
      continue;
    }
    if (line.substr(0, kIter.size()) == kIter)
      run.iterations += std::strtoull(std::string(line.substr(kIter.size())).c_str(), nullptr, 10);
    else if (line.substr(0, 4) == "iter")
      ++run.iterations;
    log_line(engine_, line);
  }
  if (run.converged() && run.message.empty())
    run.message.assign(engine_).append(": stopping tolerance reached");
  return run;
}

void check_features(const char* fn, const Eigen::Ref<const Eigen::MatrixXd>& x, Eigen::Index d) {
  if (x.rows() == 0) throw_invalid_argument(fn, "x", {}, "has no rows (samples)");
  check_shape(fn, "x", x, -1, d);
  check_finite(fn, "x", x);
}

void check_fitted(const char* fn, bool fitted) {
  if (!fitted) throw sampo::invalid_argument(std::string(fn) + ": the classifier is not fitted");
}

std::size_t class_index(const std::vector<int>& classes, int label) {
  return static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), label) -
                                  classes.begin());
}

std::vector<int> argmax_labels(const std::vector<int>& classes, const Eigen::MatrixXd& dec) {
  std::vector<int> out(static_cast<std::size_t>(dec.rows()));
  for (Eigen::Index i = 0; i < dec.rows(); ++i) {
    if (dec.cols() == 1) {
      out[static_cast<std::size_t>(i)] = dec(i, 0) > 0 ? classes[1] : classes[0];
    } else {
      Eigen::Index k;
      dec.row(i).maxCoeff(&k);
      out[static_cast<std::size_t>(i)] = classes[static_cast<std::size_t>(k)];
    }
  }
  return out;
}

}  // namespace sampo::learn::detail
