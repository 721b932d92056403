#include "sampo/mc/log_io.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sampo/core/error.hpp"
#include "sampo/io/atomic_file.hpp"
#include "sampo/io/csv.hpp"
#include "sampo/io/json.hpp"
#include "sampo/io/npy.hpp"

namespace sampo::mc {
namespace {

constexpr std::string_view kMagic = "# sampo-mc-log";
constexpr std::string_view kFormat = "sampo-mc-log";

void put(std::ostream& out, double x) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  out.write(buf, res.ptr - buf);
}

std::vector<std::string> test_columns(const TestLogSchema& s, bool csv) {
  std::vector<std::string> cols{"result", "weight"};
  for (const auto& c : s.controls) cols.push_back(csv ? "control:" + c : c);
  return cols;
}

std::vector<std::string> step_columns(const TestLogSchema& s, bool csv) {
  std::vector<std::string> cols{"p", "q", "ordinal", "epsilon"};
  for (const auto& f : s.features) cols.push_back(csv ? "feature:" + f : f);
  for (const auto& k : s.surrogates) {
    cols.push_back("value:" + k);
    cols.push_back("mean:" + k);
  }
  return cols;
}

/// "data row r (line l)": the line of the r-th data row (0-based), found by rescanning.
std::string row_place(const std::filesystem::path& path, std::size_t row) {
  std::ifstream in(path);
  std::string line;
  std::size_t number = 0, data = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    if (data++ == row) break;
  }
  std::string s = "data row ";
  s.append(std::to_string(row)).append(" (line ").append(std::to_string(number)).append(")");
  return s;
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& where,
                       std::string_view field, std::string_view what) {
  std::string msg = where;
  msg.append(", field '").append(field).append("': ").append(what);
  throw_io_error("sampo::mc::read_test_log", path.string(), msg);
}

/// @p where: a callable giving the place (it rescans the file: called only on failure).
template <class Where>
std::size_t as_index(const std::filesystem::path& path, const Where& where,
                     std::string_view field, double x) {
  if (!(x >= 0 && x <= 9007199254740992.0 && x == std::floor(x)))
    fail(path, where(), field, "'" + format_value(x) + "' is not a non-negative integer");
  return std::size_t(x);
}

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

void write_test_log_csv(const std::filesystem::path& path, const TestLog& log) {
  const TestLogSchema& s = log.schema();
  io::write_file_atomic(path, [&](std::ostream& out) {
    out << kMagic << ' ' << kTestLogVersion << '\n';
    out << "test,result,weight";
    for (const auto& c : s.controls) out << ",control:" << c;
    out << ",step,p,q,ordinal,epsilon";
    for (const auto& f : s.features) out << ",feature:" << f;
    for (const auto& k : s.surrogates) out << ",value:" << k << ",mean:" << k;
    out << '\n';
    for (std::size_t i = 0; i < log.tests(); ++i) {
      const std::size_t count = log.step_count(i);
      for (std::size_t j = 0; j < std::max<std::size_t>(count, 1); ++j) {
        out << i << ',';
        put(out, log.result(i));
        out << ',';
        put(out, log.weight(i));
        for (std::size_t c = 0; c < s.controls.size(); ++c) {
          out << ',';
          put(out, log.control(i, c));
        }
        if (count == 0) {
          // No critical step: the step fields are empty.
          const std::size_t empty = 5 + s.features.size() + 2 * s.surrogates.size();
          for (std::size_t k = 0; k < empty; ++k) out << ',';
        } else {
          const std::size_t st = log.first_step(i) + j;
          out << ',' << j << ',';
          put(out, log.p(st));
          out << ',';
          put(out, log.q(st));
          out << ',' << log.ordinal(st) << ',';
          put(out, log.epsilon(st));
          for (std::size_t f = 0; f < s.features.size(); ++f) {
            out << ',';
            put(out, log.feature(st, f));
          }
          for (std::size_t k = 0; k < s.surrogates.size(); ++k) {
            out << ',';
            put(out, log.surrogate_value(st, k));
            out << ',';
            put(out, log.surrogate_mean(st, k));
          }
        }
        out << '\n';
      }
    }
  });
}

TestLog read_test_log_csv(const std::filesystem::path& path) {
  // Line 1: the magic and the version.
  {
    std::ifstream in(path);
    if (!in) throw_io_error("sampo::mc::read_test_log", path.string(), "cannot open the file");
    std::string first;
    std::getline(in, first);
    if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
    while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.pop_back();
    if (first.rfind(kMagic, 0) != 0)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 1: expected '# sampo-mc-log <version>' (a sampo mc test log)");
    const std::string v = first.substr(kMagic.size() + (first.size() > kMagic.size() ? 1 : 0));
    int version = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc{} || end != v.data() + v.size() || version < 1)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 1: version '" + v + "' is not a positive integer");
    if (version > kTestLogVersion)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 1: version " + v + " is newer than this library reads (" +
                         std::to_string(kTestLogVersion) + ")");
  }
  io::CsvOptions csv;
  csv.text_columns = false;
  const io::CsvTable table = io::read_csv(path, csv);

  // Columns.
  TestLogSchema schema;
  std::optional<Eigen::Index> col_test, col_result, col_weight, col_step, col_p, col_q,
      col_ordinal, col_epsilon;
  std::vector<Eigen::Index> col_control, col_feature, col_value, col_mean;
  std::vector<std::string> mean_names;
  for (Eigen::Index k = 0; k < Eigen::Index(table.header.size()); ++k) {
    const std::string& h = table.header[std::size_t(k)];
    auto prefixed = [&](std::string_view prefix) { return h.rfind(prefix, 0) == 0; };
    if (h == "test") col_test = k;
    else if (h == "result") col_result = k;
    else if (h == "weight") col_weight = k;
    else if (h == "step") col_step = k;
    else if (h == "p") col_p = k;
    else if (h == "q") col_q = k;
    else if (h == "ordinal") col_ordinal = k;
    else if (h == "epsilon") col_epsilon = k;
    else if (prefixed("control:")) { schema.controls.push_back(h.substr(8)); col_control.push_back(k); }
    else if (prefixed("feature:")) { schema.features.push_back(h.substr(8)); col_feature.push_back(k); }
    else if (prefixed("value:")) { schema.surrogates.push_back(h.substr(6)); col_value.push_back(k); }
    else if (prefixed("mean:")) { mean_names.push_back(h.substr(5)); col_mean.push_back(k); }
    else
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 2: unknown column '" + h + "'");
  }
  const std::pair<const char*, std::optional<Eigen::Index>*> required[] = {
      {"test", &col_test}, {"result", &col_result}, {"weight", &col_weight},
      {"step", &col_step}, {"p", &col_p},           {"q", &col_q},
      {"ordinal", &col_ordinal}, {"epsilon", &col_epsilon}};
  for (const auto& [name, col] : required)
    if (!*col)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     std::string("line 2: the required column '").append(name).append("' is missing"));
  // Every surrogate needs its value and its mean, in the same order.
  std::vector<Eigen::Index> mean_for(schema.surrogates.size(), -1);
  for (std::size_t a = 0; a < mean_names.size(); ++a) {
    std::size_t b = 0;
    while (b < schema.surrogates.size() && schema.surrogates[b] != mean_names[a]) ++b;
    if (b == schema.surrogates.size())
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 2: column 'mean:" + mean_names[a] + "' has no 'value:" +
                         mean_names[a] + "'");
    mean_for[b] = col_mean[a];
  }
  for (std::size_t b = 0; b < schema.surrogates.size(); ++b)
    if (mean_for[b] < 0)
      throw_io_error("sampo::mc::read_test_log", path.string(),
                     "line 2: column 'value:" + schema.surrogates[b] + "' has no 'mean:" +
                         schema.surrogates[b] + "'");
  try {
    schema.validate();
  } catch (const sampo::invalid_argument& e) {
    throw_io_error("sampo::mc::read_test_log", path.string(), std::string("line 2: ") + e.what());
  }

  TestLogBuilder builder(schema);
  const Eigen::MatrixXd& d = table.data;
  std::vector<double> controls(schema.controls.size()), features(schema.features.size()),
      values(schema.surrogates.size()), means(schema.surrogates.size());
  std::size_t current = 0, next_step = 0;
  bool open = false, stepless = false;
  Eigen::Index open_row = 0;
  auto close = [&](Eigen::Index r) {
    for (std::size_t c = 0; c < controls.size(); ++c) controls[c] = d(open_row, col_control[c]);
    try {
      builder.end_test(d(open_row, *col_result), d(open_row, *col_weight), controls);
    } catch (const sampo::invalid_argument& e) {
      fail(path, row_place(path, std::size_t(open_row)), "result/weight/control", e.what());
    }
    (void)r;
  };
  for (Eigen::Index r = 0; r < d.rows(); ++r) {
    auto place = [&] { return row_place(path, std::size_t(r)); };
    const double t_raw = d(r, *col_test);
    if (!(t_raw >= 0 && t_raw == std::floor(t_raw) && t_raw < 9007199254740992.0))
      fail(path, place(), "test", "'" + format_value(t_raw) + "' is not a non-negative integer");
    const auto t = std::size_t(t_raw);
    bool starts = false;
    if (!open) {
      if (t != 0) fail(path, place(), "test", "the first test must be 0, not " + std::to_string(t));
      open = starts = true;
    } else if (t == current + 1) {
      close(r);
      current = t;
      starts = true;
    } else if (t != current) {
      fail(path, place(), "test",
           std::to_string(t) + " follows test " + std::to_string(current) +
               " (tests are numbered 0, 1, ... with their rows together)");
    }
    if (starts) {
      open_row = r;
      next_step = 0;
      stepless = false;
      if (d(r, *col_weight) < 0)
        fail(path, place(), "weight", "'" + format_value(d(r, *col_weight)) + "' is negative");
    } else {
      // Same test: the test fields must agree with its first row.
      if (stepless)
        fail(path, place(), "step", "a test with an empty step (no critical step) has one row only");
      const std::pair<const char*, Eigen::Index> same_cols[] = {{"result", *col_result},
                                                                {"weight", *col_weight}};
      for (const auto& [name, col] : same_cols)
        if (!same(d(r, col), d(open_row, col)))
          fail(path, place(), name, "differs between the rows of test " + std::to_string(t));
      for (std::size_t c = 0; c < col_control.size(); ++c)
        if (!same(d(r, col_control[c]), d(open_row, col_control[c])))
          fail(path, place(), table.header[std::size_t(col_control[c])],
               "differs between the rows of test " + std::to_string(t));
    }
    const double step_raw = d(r, *col_step);
    if (std::isnan(step_raw)) {
      if (next_step != 0)
        fail(path, place(), "step", "is empty on a later row of a test with critical steps");
      stepless = true;
      continue;
    }
    const std::size_t step = as_index(path, place, "step", step_raw);
    if (step != next_step)
      fail(path, place(), "step",
           std::to_string(step) + " where step " + std::to_string(next_step) + " was expected");
    ++next_step;
    for (std::size_t f = 0; f < features.size(); ++f) features[f] = d(r, col_feature[f]);
    for (std::size_t k = 0; k < values.size(); ++k) {
      values[k] = d(r, col_value[k]);
      means[k] = d(r, mean_for[k]);
    }
    const double ord = d(r, *col_ordinal);
    const std::size_t ordinal = as_index(path, place, "ordinal", ord);
    try {
      builder.step(d(r, *col_p), d(r, *col_q), std::int64_t(ordinal), d(r, *col_epsilon),
                   features, values, means);
    } catch (const sampo::invalid_argument& e) {
      fail(path, place(), "p/q/epsilon/feature/surrogate", e.what());
    }
  }
  if (open) close(d.rows());
  return std::move(builder).finish();
}

void write_test_log_npy(const std::filesystem::path& directory, const TestLog& log) {
  const TestLogSchema& s = log.schema();
  const auto n = Eigen::Index(log.tests()), steps = Eigen::Index(log.steps());
  const auto tc = Eigen::Index(2 + s.controls.size());
  const auto sc = Eigen::Index(5 + s.features.size() + 2 * s.surrogates.size());
  Eigen::MatrixXd tests(n, tc), st(steps, sc);
  for (Eigen::Index i = 0; i < n; ++i) {
    tests(i, 0) = log.result(std::size_t(i));
    tests(i, 1) = log.weight(std::size_t(i));
    for (std::size_t c = 0; c < s.controls.size(); ++c)
      tests(i, Eigen::Index(2 + c)) = log.control(std::size_t(i), c);
    for (std::size_t k = log.first_step(std::size_t(i)), e = k + log.step_count(std::size_t(i));
         k < e; ++k) {
      const auto r = Eigen::Index(k);
      st(r, 0) = double(i);
      st(r, 1) = log.p(k);
      st(r, 2) = log.q(k);
      st(r, 3) = double(log.ordinal(k));
      st(r, 4) = log.epsilon(k);
      Eigen::Index col = 5;
      for (std::size_t f = 0; f < s.features.size(); ++f) st(r, col++) = log.feature(k, f);
      for (std::size_t m = 0; m < s.surrogates.size(); ++m) {
        st(r, col++) = log.surrogate_value(k, m);
        st(r, col++) = log.surrogate_mean(k, m);
      }
    }
  }
  nlohmann::json manifest;
  manifest["format"] = std::string(kFormat);
  manifest["version"] = kTestLogVersion;
  manifest["tests"] = log.tests();
  manifest["steps"] = log.steps();
  manifest["test_columns"] = test_columns(s, true);
  std::vector<std::string> step_cols{"test"};
  for (auto& c : step_columns(s, true)) step_cols.push_back(c);
  manifest["step_columns"] = step_cols;
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    throw_io_error("sampo::mc::write_test_log_npy", directory.string(),
                   "cannot create the directory: " + ec.message());
  auto write_all = [&] {
    io::write_npy_matrix(directory / "tests.npy", tests);
    io::write_npy_matrix(directory / "steps.npy", st);
    io::write_json(directory / "manifest.json", manifest);
  };
  if (io::OutputTransaction::current() != nullptr) {
    write_all();  // staged in the caller's transaction
  } else {
    io::OutputTransaction tx;
    write_all();
    tx.commit();
  }
}

TestLog read_test_log_npy(const std::filesystem::path& directory) {
  constexpr std::string_view function = "sampo::mc::read_test_log";
  const auto manifest_path = directory / "manifest.json";
  const nlohmann::json manifest = io::read_json(manifest_path);
  auto bad = [&](const std::string& what) {
    throw_io_error(function, manifest_path.string(), what);
  };
  if (!manifest.is_object() || manifest.value("format", std::string()) != kFormat)
    bad("field 'format': not \"sampo-mc-log\"");
  if (!manifest.contains("version") || !manifest["version"].is_number_integer())
    bad("field 'version': missing or not an integer");
  const int version = manifest["version"].get<int>();
  if (version < 1 || version > kTestLogVersion)
    bad("field 'version': " + std::to_string(version) + " is not a version this library reads (1.." +
        std::to_string(kTestLogVersion) + ")");
  TestLogSchema schema;
  std::vector<std::string> tcols, scols;
  try {
    tcols = manifest.at("test_columns").get<std::vector<std::string>>();
    scols = manifest.at("step_columns").get<std::vector<std::string>>();
  } catch (const std::exception&) {
    bad("fields 'test_columns' / 'step_columns': missing or not arrays of strings");
  }
  if (tcols.size() < 2 || tcols[0] != "result" || tcols[1] != "weight")
    bad("field 'test_columns': must begin with \"result\", \"weight\"");
  for (std::size_t k = 2; k < tcols.size(); ++k) {
    if (tcols[k].rfind("control:", 0) != 0)
      bad("field 'test_columns': unknown column '" + tcols[k] + "'");
    schema.controls.push_back(tcols[k].substr(8));
  }
  const std::vector<std::string> fixed{"test", "p", "q", "ordinal", "epsilon"};
  if (scols.size() < fixed.size() || !std::equal(fixed.begin(), fixed.end(), scols.begin()))
    bad("field 'step_columns': must begin with \"test\", \"p\", \"q\", \"ordinal\", \"epsilon\"");
  std::size_t k = fixed.size();
  for (; k < scols.size() && scols[k].rfind("feature:", 0) == 0; ++k)
    schema.features.push_back(scols[k].substr(8));
  for (; k + 1 < scols.size() + 1 && k < scols.size(); k += 2) {
    if (scols[k].rfind("value:", 0) != 0 || k + 1 >= scols.size() ||
        scols[k + 1] != "mean:" + scols[k].substr(6))
      bad("field 'step_columns': '" + scols[k] +
          "' is not a 'value:<name>' followed by its 'mean:<name>'");
    schema.surrogates.push_back(scols[k].substr(6));
  }
  try {
    schema.validate();
  } catch (const sampo::invalid_argument& e) {
    bad(e.what());
  }
  const Eigen::MatrixXd tests = io::read_npy_matrix(directory / "tests.npy");
  const Eigen::MatrixXd steps = io::read_npy_matrix(directory / "steps.npy");
  const auto want_tests = manifest.value("tests", std::size_t(0));
  const auto want_steps = manifest.value("steps", std::size_t(0));
  auto shape_fail = [&](const char* file, Eigen::Index rows, Eigen::Index cols, std::size_t wr,
                        std::size_t wc) {
    std::string what = "shape ";
    what.append(std::to_string(rows)).append(" x ").append(std::to_string(cols));
    what.append(", the manifest says ").append(std::to_string(wr)).append(" x ");
    what.append(std::to_string(wc));
    throw_io_error(function, (directory / file).string(), what);
  };
  if (std::size_t(tests.rows()) != want_tests || std::size_t(tests.cols()) != tcols.size())
    shape_fail("tests.npy", tests.rows(), tests.cols(), want_tests, tcols.size());
  // A 0 x c array may come back as 0 x 0 or 0 x 1.
  if (want_steps > 0 &&
      (std::size_t(steps.rows()) != want_steps || std::size_t(steps.cols()) != scols.size()))
    shape_fail("steps.npy", steps.rows(), steps.cols(), want_steps, scols.size());
  const auto steps_path = (directory / "steps.npy").string();
  auto row_fail = [&](const std::string& file, Eigen::Index row, std::string_view field,
                      const std::string& what) {
    std::string msg = "row ";
    msg.append(std::to_string(row)).append(", field '").append(field).append("': ").append(what);
    throw_io_error(function, file, msg);
  };
  TestLogBuilder builder(schema);
  std::vector<double> controls(schema.controls.size()), features(schema.features.size()),
      values(schema.surrogates.size()), means(schema.surrogates.size());
  Eigen::Index r = 0;
  for (Eigen::Index i = 0; i < tests.rows(); ++i) {
    for (; r < Eigen::Index(want_steps); ++r) {
      const double t = steps(r, 0);
      if (!(t >= 0 && t == std::floor(t) && t < double(tests.rows())))
        row_fail(steps_path, r, "test", "'" + format_value(t) + "' is not a test number");
      if (std::size_t(t) < std::size_t(i))
        row_fail(steps_path, r, "test", "rows must be grouped by test in increasing order");
      if (std::size_t(t) > std::size_t(i)) break;
      const double ord = steps(r, 3);
      if (!(ord >= 0 && ord == std::floor(ord) && ord < 9007199254740992.0))
        row_fail(steps_path, r, "ordinal", "'" + format_value(ord) + "' is not a non-negative integer");
      Eigen::Index col = 5;
      for (auto& f : features) f = steps(r, col++);
      for (std::size_t m = 0; m < values.size(); ++m) {
        values[m] = steps(r, col++);
        means[m] = steps(r, col++);
      }
      try {
        builder.step(steps(r, 1), steps(r, 2), std::int64_t(ord), steps(r, 4), features, values,
                     means);
      } catch (const sampo::invalid_argument& e) {
        row_fail(steps_path, r, "p/q/epsilon/feature/surrogate", e.what());
      }
    }
    for (std::size_t c = 0; c < controls.size(); ++c) controls[c] = tests(i, Eigen::Index(2 + c));
    if (tests(i, 1) < 0)
      row_fail((directory / "tests.npy").string(), i, "weight",
               "'" + format_value(tests(i, 1)) + "' is negative");
    try {
      builder.end_test(tests(i, 0), tests(i, 1), controls);
    } catch (const sampo::invalid_argument& e) {
      row_fail((directory / "tests.npy").string(), i, "result/weight/control", e.what());
    }
  }
  if (r < Eigen::Index(want_steps))
    row_fail(steps_path, r, "test", "refers to no test (rows must be grouped by test in order)");
  return std::move(builder).finish();
}

TestLog read_test_log(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return read_test_log_npy(path);
  return read_test_log_csv(path);
}

}  // namespace sampo::mc
