#pragma once
/// @file
/// The validation registry: every case compares something sampo computes with a reference
/// from a closed form or a certified computation, under a tolerance whose reason is written in
/// the case's note. `sampo validate` runs them all (see apps/validate_command.cpp).
///
/// A case file lives in validation/<module>/ and registers its cases at static-initialization
/// time; the files are compiled into an OBJECT library, so no registration is lost by the
/// linker. Adding a module's cases = adding files, nothing else.
///
///     SAMPO_VALIDATION_CASE("linalg", "spd_log/diagonal") {
///       ...
///       return sampo::validation::compare_relative(ref, value, 1e-14, "why this tolerance");
///     }
///
///     SAMPO_VALIDATION_GROUP(round_trips) {          // many cases from a loop
///       for (double cond : {1e2, 1e6}) sampo::validation::register_case({"linalg", name, fn});
///     }

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace sampo::validation {

/// One line of a figure: y(x).
struct Series {
  std::string label;
  std::vector<double> x, y;
  /// Optional band (both the size of x): drawn shaded behind the line, e.g. a 20–80% range.
  std::vector<double> lo{}, hi{};
};

/// A figure a case may attach; `sampo validate --plots DIR` draws it to DIR/<case>.png.
struct Figure {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  std::vector<Series> series;
  bool lines = false;  ///< lines without point markers (long series)
};

/// What a case found.
struct Outcome {
  double reference = 0.0;  ///< the closed-form / certified value (or 0 for an error measure)
  double value = 0.0;      ///< what sampo computed
  double error = 0.0;      ///< the measure compared with the tolerance
  double tolerance = 0.0;  ///< pass iff error <= tolerance
  bool pass = false;
  bool skipped = false;    ///< e.g. data absent; neither pass nor fail
  /// Set by missing_data(): the data set whose absence skipped the case (e.g. "eegmmidb/S001");
  /// `sampo validate` then reports one line per data set instead of one per case.
  std::string missing_dataset;
  /// Reported, not judged: a figure with no closed form or criterion to check it against
  /// (e.g. a classification score of real data below its chance bound); neither pass nor fail.
  bool informational = false;
  std::string note;        ///< why this tolerance; what was measured
  /// What `value` is, in words a reader of the table understands without the source, e.g.
  /// "max error / rtol = 0.03; 51 evaluations" (optional; shown in the table, JSON and CSV).
  std::string measured;
  std::vector<Figure> figures;
};

/// error = |value - reference| / |reference| (|value| when reference == 0).
Outcome compare_relative(double reference, double value, double tolerance, std::string note);
/// error = |value - reference|.
Outcome compare_absolute(double reference, double value, double tolerance, std::string note);
/// error = the given error measure itself (reference 0, value = error), e.g. a max over points.
Outcome bound(double error, double tolerance, std::string note);
/// A skipped case (data not found ...): the note says why and what to do.
Outcome skipped(std::string why);
/// @p o marked informational (see Outcome::informational): its figures are shown as measured.
Outcome informational(Outcome o);

/// A case skipped because data set @p dataset (e.g. "eegmmidb/S001") is absent; @p file is
/// the first file looked for. `sampo validate` prints one summary line per data set, with the
/// places searched and the command that gets it (data_hint()).
Outcome missing_data(std::string dataset, std::string file);

/// Finds a file of sampo's data (<relative> as in data/README.md, e.g. "longley/longley.csv"):
/// looks in the source tree's data/ (what the repository ships and `scripts/run data` fetches),
/// then in $SAMPO_DATA_DIR, then in ../shared/data beside the source tree. Returns an empty path
/// when absent (the case then returns missing_data()).
std::filesystem::path find_data(const std::string& relative);

/// The directories find_data() searches, in order (for messages).
std::vector<std::filesystem::path> data_roots();

/// How to get a data set that is not shipped: the command, or where to read about it.
std::string data_hint(const std::string& dataset);

/// A registered case.
struct Case {
  std::string module;
  std::string name;
  std::function<Outcome()> run;
};

/// Adds a case; names must be unique within a module (checked by `sampo validate`).
void register_case(Case c);
/// All cases, ordered by module, then in registration order within a file.
std::vector<Case> cases();

namespace detail {
struct Registrar {
  Registrar(const char* module, const char* name, std::function<Outcome()> fn);
};
struct GroupRegistrar {
  explicit GroupRegistrar(void (*fn)()) { fn(); }
};
}  // namespace detail

}  // namespace sampo::validation

#define SAMPO_VALIDATION_CONCAT_(a, b) a##b
#define SAMPO_VALIDATION_CONCAT(a, b) SAMPO_VALIDATION_CONCAT_(a, b)

/// Defines and registers one case; the body returns a sampo::validation::Outcome.
#define SAMPO_VALIDATION_CASE(module, name)                                                   \
  static ::sampo::validation::Outcome SAMPO_VALIDATION_CONCAT(sampo_vcase_, __LINE__)();       \
  static const ::sampo::validation::detail::Registrar SAMPO_VALIDATION_CONCAT(                 \
      sampo_vreg_, __LINE__)(module, name, &SAMPO_VALIDATION_CONCAT(sampo_vcase_, __LINE__)); \
  static ::sampo::validation::Outcome SAMPO_VALIDATION_CONCAT(sampo_vcase_, __LINE__)()

/// Defines a function run at start-up that registers several cases (e.g. from a loop).
#define SAMPO_VALIDATION_GROUP(id)                                                       \
  static void sampo_vgroup_##id();                                                       \
  static const ::sampo::validation::detail::GroupRegistrar sampo_vgroupreg_##id(         \
      &sampo_vgroup_##id);                                                               \
  static void sampo_vgroup_##id()
