#include "registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>

namespace sampo::validation {
namespace {
std::vector<Case>& storage() {
  static std::vector<Case> all;
  return all;
}
std::mutex& storage_mutex() {
  static std::mutex m;
  return m;
}
Outcome make(double reference, double value, double error, double tolerance, std::string note) {
  Outcome o;
  o.reference = reference;
  o.value = value;
  o.error = error;
  o.tolerance = tolerance;
  o.pass = std::isfinite(error) && error <= tolerance;  // a NaN error never passes
  o.note = std::move(note);
  return o;
}
}  // namespace

Outcome compare_relative(double reference, double value, double tolerance, std::string note) {
  const double diff = std::abs(value - reference);
  const double err = reference != 0.0 ? diff / std::abs(reference) : diff;
  return make(reference, value, err, tolerance, std::move(note));
}

Outcome compare_absolute(double reference, double value, double tolerance, std::string note) {
  return make(reference, value, std::abs(value - reference), tolerance, std::move(note));
}

Outcome bound(double error, double tolerance, std::string note) {
  return make(0.0, error, error, tolerance, std::move(note));
}

Outcome skipped(std::string why) {
  Outcome o;
  o.skipped = true;
  o.reference = o.value = o.error = o.tolerance = std::nan("");
  o.note = std::move(why);
  return o;
}

Outcome informational(Outcome o) {
  o.informational = true;
  return o;
}

Outcome missing_data(std::string dataset, std::string file) {
  Outcome o = skipped("data not found: " + file + " (data set " + dataset + "; " +
                      data_hint(dataset) + ")");
  o.missing_dataset = std::move(dataset);
  return o;
}

std::vector<std::filesystem::path> data_roots() {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots;
  roots.push_back(fs::path(SAMPO_SOURCE_DIR) / "data");
  if (const char* env = std::getenv("SAMPO_DATA_DIR"); env != nullptr && *env != '\0')
    roots.emplace_back(env);
  roots.push_back((fs::path(SAMPO_SOURCE_DIR) / ".." / "shared" / "data").lexically_normal());
  return roots;
}

std::filesystem::path find_data(const std::string& relative) {
  namespace fs = std::filesystem;
  for (const auto& root : data_roots()) {
    std::error_code ec;
    const fs::path p = root / relative;
    if (fs::is_regular_file(p, ec)) return fs::weakly_canonical(p, ec);
  }
  return {};
}

std::string data_hint(const std::string& dataset) {
  if (dataset.rfind("eegmmidb", 0) == 0)
    return "get it with: scripts/run data (PhysioNet, 16 MB; see data/README.md)";
  return "see data/README.md";
}

void register_case(Case c) {
  std::lock_guard lock(storage_mutex());
  storage().push_back(std::move(c));
}

std::vector<Case> cases() {
  std::vector<Case> all;
  {
    std::lock_guard lock(storage_mutex());
    all = storage();
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Case& a, const Case& b) { return a.module < b.module; });
  return all;
}

detail::Registrar::Registrar(const char* module, const char* name, std::function<Outcome()> fn) {
  register_case({module, name, std::move(fn)});
}

}  // namespace sampo::validation
