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

std::filesystem::path find_shared_data(const std::string& relative) {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("SAMPO_DATA_DIR")) roots.emplace_back(env);
#ifdef SAMPO_SOURCE_DIR
  roots.push_back(fs::path(SAMPO_SOURCE_DIR) / ".." / "shared" / "data");
#endif
  roots.emplace_back("../shared/data");
  roots.emplace_back("shared/data");
  for (const auto& root : roots) {
    std::error_code ec;
    const fs::path p = root / relative;
    if (fs::exists(p, ec)) return fs::weakly_canonical(p, ec);
  }
  return {};
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
